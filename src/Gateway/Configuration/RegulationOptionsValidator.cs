using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// <c>Gateway:Regulation</c> must keep the lock-out meaningful (README.md, "Two-factor authentication for users"):
/// every message names its key.
/// </summary>
internal sealed class RegulationOptionsValidator : IValidateOptions<RegulationOptions>
{
    public const string Section = "Gateway:Regulation";

    public ValidateOptionsResult Validate(string? name, RegulationOptions options)
    {
        var errors = new List<string>();
        if (options.FreeFailures < 1)
        {
            errors.Add($"{Section}:FreeFailures must be at least 1, not '{options.FreeFailures}'");
        }

        if (options.MaxFailures <= options.FreeFailures)
        {
            errors.Add($"{Section}:MaxFailures must be above {Section}:FreeFailures ({options.FreeFailures}), not '{options.MaxFailures}'");
        }

        if (options.FirstLockout < TimeSpan.FromSeconds(1) || options.FirstLockout > TimeSpan.FromDays(1))
        {
            errors.Add($"{Section}:FirstLockout must be between 00:00:01 and 1.00:00:00, not '{options.FirstLockout:c}'");
        }

        if (options.LongestLockout < options.FirstLockout || options.LongestLockout > TimeSpan.FromDays(30))
        {
            errors.Add($"{Section}:LongestLockout must be at least {Section}:FirstLockout ({options.FirstLockout:c}) and at most 30.00:00:00, not '{options.LongestLockout:c}'");
        }

        if (options.CounterLifetime < options.LongestLockout || options.CounterLifetime > TimeSpan.FromDays(365))
        {
            errors.Add($"{Section}:CounterLifetime must be at least {Section}:LongestLockout ({options.LongestLockout:c}) and at most 365.00:00:00, not '{options.CounterLifetime:c}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
