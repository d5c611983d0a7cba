using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Every message names its key (docs/ARCHITECTURE.md, "Configuration").</summary>
internal sealed class StagingOptionsValidator : IValidateOptions<StagingOptions>
{
    public ValidateOptionsResult Validate(string? name, StagingOptions options)
    {
        var errors = new List<string>();
        if (options.Mode is not (StagingOptions.GatewayMode or StagingOptions.UpstreamMode))
        {
            errors.Add($"{StagingOptions.Section}:Mode must be '{StagingOptions.GatewayMode}' or '{StagingOptions.UpstreamMode}', not '{options.Mode}'");
        }

        if (options.MaxTarballBytes is < 1 or > 1024L * 1024 * 1024)
        {
            errors.Add($"{StagingOptions.Section}:MaxTarballBytes must be between 1 and 1073741824 bytes, not '{options.MaxTarballBytes}'");
        }

        if (options.MaxDocumentBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"{StagingOptions.Section}:MaxDocumentBytes must be between 1024 and 67108864 bytes, not '{options.MaxDocumentBytes}'");
        }

        if (options.MaxAge < TimeSpan.FromSeconds(1) || options.MaxAge > TimeSpan.FromDays(365))
        {
            errors.Add($"{StagingOptions.Section}:MaxAge must be between 00:00:01 and 365 days, not '{options.MaxAge}'");
        }

        if (options.SweepInterval < TimeSpan.FromMilliseconds(100) || options.SweepInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{StagingOptions.Section}:SweepInterval must be between 00:00:00.1 and 1 day, not '{options.SweepInterval}'");
        }

        if (options.MaxItems is < 1 or > 1_000_000)
        {
            errors.Add($"{StagingOptions.Section}:MaxItems must be between 1 and 1000000, not '{options.MaxItems}'");
        }

        if (options.PublishTimeout < TimeSpan.FromSeconds(1) || options.PublishTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{StagingOptions.Section}:PublishTimeout must be between 00:00:01 and 01:00:00, not '{options.PublishTimeout}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
