using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Every message names its key (docs/ARCHITECTURE.md, "Configuration").</summary>
internal sealed class OperationsOptionsValidator : IValidateOptions<OperationsOptions>
{
    public ValidateOptionsResult Validate(string? name, OperationsOptions options)
    {
        var errors = new List<string>();
        if (options.AuditRetention is < 100 or > 10_000_000)
        {
            errors.Add($"{OperationsOptions.Section}:AuditRetention must be between 100 and 10000000 events, not '{options.AuditRetention}'");
        }

        if (options.AccessSecret.Length is > 0 and < OperationsOptions.MinimumSecretLength)
        {
            errors.Add($"{OperationsOptions.Section}:AccessSecret must be empty (loopback clients only) or at least {OperationsOptions.MinimumSecretLength} characters (it is {options.AccessSecret.Length})");
        }

        if (options.OtlpEndpoint.Length > 0
            && (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{OperationsOptions.Section}:OtlpEndpoint must be empty or an absolute http(s) URL, not '{options.OtlpEndpoint}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
