using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Every message names its key, so a bad value stops start-up with the key and the reason.</summary>
internal sealed class StoreReplicationOptionsValidator : IValidateOptions<StoreReplicationOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreReplicationOptions options)
    {
        var errors = new List<string>();
        if (options.ConfirmReplicas is < 0 or > 16)
        {
            errors.Add($"{StoreReplicationOptions.Section}:ConfirmReplicas must be between 0 and 16, not '{options.ConfirmReplicas}'");
        }

        // Inside the store's own timeout (Gateway:Resilience:StoreTimeout, at least 10 ms), whose guard runs the wait.
        if (options.ConfirmTimeout < TimeSpan.FromMilliseconds(1) || options.ConfirmTimeout > TimeSpan.FromSeconds(5))
        {
            errors.Add($"{StoreReplicationOptions.Section}:ConfirmTimeout must be between 00:00:00.001 and 00:00:05, not '{options.ConfirmTimeout:c}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
