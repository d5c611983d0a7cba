using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary><c>Gateway:SignIn</c> must keep password guessing slow (docs/SECURITY.md, "Password guessing"): every message names its key.</summary>
internal sealed class SignInOptionsValidator : IValidateOptions<SignInOptions>
{
    private const string Section = SignInOptions.Section;

    public ValidateOptionsResult Validate(string? name, SignInOptions options)
    {
        var errors = new List<string>();
        if (options.AddressFreeFailures is < 1 or > 1000)
        {
            errors.Add($"{Section}:AddressFreeFailures must be between 1 and 1000, not '{options.AddressFreeFailures}'");
        }

        if (options.AddressFirstLockout < TimeSpan.FromSeconds(1) || options.AddressFirstLockout > TimeSpan.FromHours(1))
        {
            errors.Add($"{Section}:AddressFirstLockout must be between 00:00:01 and 01:00:00, not '{options.AddressFirstLockout:c}'");
        }

        if (options.AddressLongestLockout < options.AddressFirstLockout || options.AddressLongestLockout > TimeSpan.FromDays(1))
        {
            errors.Add($"{Section}:AddressLongestLockout must be at least {Section}:AddressFirstLockout ({options.AddressFirstLockout:c}) and at most 1.00:00:00, not '{options.AddressLongestLockout:c}'");
        }

        if (options.AddressFailureLifetime < options.AddressLongestLockout || options.AddressFailureLifetime > TimeSpan.FromDays(7))
        {
            errors.Add($"{Section}:AddressFailureLifetime must be at least {Section}:AddressLongestLockout ({options.AddressLongestLockout:c}) and at most 7.00:00:00, not '{options.AddressFailureLifetime:c}'");
        }

        if (options.GuessesPerFlow is < 1 or > 20)
        {
            errors.Add($"{Section}:GuessesPerFlow must be between 1 and 20, not '{options.GuessesPerFlow}'");
        }

        if (options.WrongPasswordFloor < TimeSpan.Zero || options.WrongPasswordFloor > TimeSpan.FromSeconds(10))
        {
            errors.Add($"{Section}:WrongPasswordFloor must be between 00:00:00 and 00:00:10, not '{options.WrongPasswordFloor:c}'");
        }

        if (options.WrongPasswordJitter < TimeSpan.Zero || options.WrongPasswordJitter > TimeSpan.FromSeconds(5))
        {
            errors.Add($"{Section}:WrongPasswordJitter must be between 00:00:00 and 00:00:05, not '{options.WrongPasswordJitter:c}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
