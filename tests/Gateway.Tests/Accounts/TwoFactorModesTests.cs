using Gateway.Accounts;
using Gateway.Policy;

namespace Gateway.Tests.Accounts;

public sealed class TwoFactorModesTests
{
    /// <summary>npm's modes: <c>auth-only</c> guards login, tokens and profile; <c>auth-and-writes</c> also publishes and other writes.</summary>
    [Theory]
    [InlineData(TwoFactorMode.Disabled, ProtectionClass.None, false)]
    [InlineData(TwoFactorMode.Disabled, ProtectionClass.Writes, false)]
    [InlineData(TwoFactorMode.Disabled, ProtectionClass.Auth, false)]
    [InlineData(TwoFactorMode.AuthOnly, ProtectionClass.None, false)]
    [InlineData(TwoFactorMode.AuthOnly, ProtectionClass.Writes, false)]
    [InlineData(TwoFactorMode.AuthOnly, ProtectionClass.Auth, true)]
    [InlineData(TwoFactorMode.AuthAndWrites, ProtectionClass.None, false)]
    [InlineData(TwoFactorMode.AuthAndWrites, ProtectionClass.Writes, true)]
    [InlineData(TwoFactorMode.AuthAndWrites, ProtectionClass.Auth, true)]
    public void Requires_ModeAndClass_FollowsNpmModes(TwoFactorMode mode, ProtectionClass protection, bool expected)
    {
        Assert.Equal(expected, mode.Requires(protection));
    }

    [Theory]
    [InlineData(TwoFactorMode.Disabled, "disabled")]
    [InlineData(TwoFactorMode.AuthOnly, "auth-only")]
    [InlineData(TwoFactorMode.AuthAndWrites, "auth-and-writes")]
    public void ToWire_Mode_IsNpmNameAndParsesBack(TwoFactorMode mode, string wire)
    {
        Assert.Equal(wire, mode.ToWire());
        Assert.True(TwoFactorModes.TryParse(mode.ToWire(), out var parsed));
        Assert.Equal(mode, parsed);
    }

    [Fact]
    public void TryParse_Disable_IsDisabled()
    {
        // npm profile set tfa disable sends "disable".
        Assert.True(TwoFactorModes.TryParse("disable", out var mode));
        Assert.Equal(TwoFactorMode.Disabled, mode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("auth")]
    [InlineData("writes")]
    [InlineData("Auth-Only")]
    [InlineData("AUTH-AND-WRITES")]
    [InlineData(" auth-only")]
    [InlineData("authonly")]
    [InlineData("AuthOnly")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("enabled")]
    public void TryParse_UnknownText_IsRejected(string? wire)
    {
        Assert.False(TwoFactorModes.TryParse(wire, out _));
    }

    /// <summary>
    /// Regression: a record with a pending enrolment has no mode field; an undefined enum value once made
    /// such a user look enrolled (challenged before confirming, and "mode change" instead of enrolment).
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    public void TryParse_UnknownText_GivesDisabledWhichRequiresNothing(string? wire)
    {
        TwoFactorModes.TryParse(wire, out var mode);

        Assert.Equal(TwoFactorMode.Disabled, mode);
        Assert.False(mode.Requires(ProtectionClass.Auth));
        Assert.False(mode.Requires(ProtectionClass.Writes));
    }
}
