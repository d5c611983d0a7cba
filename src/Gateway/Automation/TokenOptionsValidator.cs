using Microsoft.Extensions.Options;

namespace Gateway.Automation;

internal sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        var errors = new List<string>();
        if (options.MaxWriteLifetime < TimeSpan.FromSeconds(1) || options.MaxWriteLifetime > TimeSpan.FromDays(3650))
        {
            errors.Add($"{TokenOptions.Section}:MaxWriteLifetime must be between 00:00:01 and 3650.00:00:00, not '{options.MaxWriteLifetime:c}'");
        }

        if (options.DefaultWriteLifetime < TimeSpan.FromSeconds(1) || options.DefaultWriteLifetime > options.MaxWriteLifetime)
        {
            errors.Add($"{TokenOptions.Section}:DefaultWriteLifetime must be between 00:00:01 and MaxWriteLifetime ({options.MaxWriteLifetime:c}), not '{options.DefaultWriteLifetime:c}'");
        }

        if (options.LoginLifetime is { } login && (login < TimeSpan.FromSeconds(1) || login > TimeSpan.FromDays(3650)))
        {
            errors.Add($"{TokenOptions.Section}:LoginLifetime must be between 00:00:01 and 3650.00:00:00 (or unset), not '{login:c}'");
        }

        if (!Enum.IsDefined(options.Unrecorded))
        {
            errors.Add($"{TokenOptions.Section}:Unrecorded must be 'Full' or 'ReadOnly'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
