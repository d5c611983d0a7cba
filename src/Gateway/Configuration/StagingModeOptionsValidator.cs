using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary><c>Gateway:Staging:Mode</c> is one of two words; anything else stops start-up, naming the key and the value.</summary>
internal sealed class StagingModeOptionsValidator : IValidateOptions<StagingModeOptions>
{
    public ValidateOptionsResult Validate(string? name, StagingModeOptions options) =>
        options.Mode is StagingModeOptions.GatewayMode or StagingModeOptions.UpstreamMode
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{StagingModeOptions.Section}:Mode must be '{StagingModeOptions.GatewayMode}' or '{StagingModeOptions.UpstreamMode}', not '{options.Mode}'");
}
