using Microsoft.Extensions.Options;

namespace Gateway.Resilience;

/// <summary>Every message names its key, so a bad value stops start-up with the key and the reason.</summary>
internal sealed class ResilienceOptionsValidator : IValidateOptions<ResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, ResilienceOptions options)
    {
        var errors = new List<string>();
        Between(options.StoreTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1), "StoreTimeout", errors);
        Between(options.RegistryTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1), "RegistryTimeout", errors);
        // Polly's own limits: a ratio in (0, 1], at least 2 calls, a sampling window and a break of at least 0.5 s.
        if (options.BreakerFailureRatio is not (> 0 and <= 1))
        {
            errors.Add($"{ResilienceOptions.Section}:BreakerFailureRatio must be above 0 and at most 1, not '{options.BreakerFailureRatio}'");
        }

        if (options.BreakerMinimumThroughput < 2)
        {
            errors.Add($"{ResilienceOptions.Section}:BreakerMinimumThroughput must be at least 2, not '{options.BreakerMinimumThroughput}'");
        }

        Between(options.BreakerSamplingDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1), "BreakerSamplingDuration", errors);
        Between(options.BreakerDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1), "BreakerDuration", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Between(TimeSpan value, TimeSpan min, TimeSpan max, string key, List<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{ResilienceOptions.Section}:{key} must be between {min:c} and {max:c}, not '{value:c}'");
        }
    }
}
