using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

public sealed class SignInOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed_AndTheFloorIsAboveABcryptCheck()
    {
        var defaults = new SignInOptions();

        Assert.True(new SignInOptionsValidator().Validate(null, defaults).Succeeded);
        // Verdaccio's bcrypt check took ~115 ms here, two of them on a couch login's third request (docs/BENCHMARKS.md).
        Assert.True(defaults.WrongPasswordFloor >= TimeSpan.FromMilliseconds(2 * 115 * 2));
    }

    public static TheoryData<SignInOptions, string> BadValues => new()
    {
        { new SignInOptions { AddressFreeFailures = 0 }, "Gateway:SignIn:AddressFreeFailures" },
        { new SignInOptions { AddressFirstLockout = TimeSpan.Zero }, "Gateway:SignIn:AddressFirstLockout" },
        { new SignInOptions { AddressLongestLockout = TimeSpan.FromSeconds(2) }, "Gateway:SignIn:AddressLongestLockout" },
        { new SignInOptions { AddressFailureLifetime = TimeSpan.FromMinutes(1) }, "Gateway:SignIn:AddressFailureLifetime" },
        { new SignInOptions { GuessesPerFlow = 0 }, "Gateway:SignIn:GuessesPerFlow" },
        { new SignInOptions { WrongPasswordFloor = TimeSpan.FromMinutes(1) }, "Gateway:SignIn:WrongPasswordFloor" },
        { new SignInOptions { WrongPasswordJitter = TimeSpan.FromSeconds(-1) }, "Gateway:SignIn:WrongPasswordJitter" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Validate_BadValue_FailsNamingTheKey(SignInOptions options, string key)
    {
        var result = new SignInOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith(key, Assert.Single(result.Failures!));
    }
}
