using Gateway.Accounts;
using Gateway.Admin;

namespace Gateway.Tests.Admin;

public sealed class AdminArgumentsTests
{
    [Theory]
    [InlineData("show alice", "show", "alice")]
    [InlineData("reset-2fa alice", "reset-2fa", "alice")]
    [InlineData("unlock bob.smith", "unlock", "bob.smith")]
    [InlineData("audit --user alice", "audit", "alice")]
    [InlineData("users", "users", null)]
    public void TryParse_Valid_ReadsVerbAndUser(string line, string verb, string? user)
    {
        Assert.True(AdminArguments.TryParse(line.Split(' '), out var command));
        Assert.Equal((verb, user), (command.Verb, command.User));
    }

    [Theory]
    [InlineData("")]
    [InlineData("show")]
    [InlineData("show alice bob")]
    [InlineData("reset-2fa gw:user:alice")]
    [InlineData("unlock ../alice")]
    [InlineData("users --mode everything")]
    [InlineData("audit --since yesterday")]
    [InlineData("audit --user")]
    [InlineData("audit --limit 0")]
    [InlineData("delete alice")]
    public void TryParse_Invalid_Refused(string line) =>
        Assert.False(AdminArguments.TryParse(line.Length == 0 ? [] : line.Split(' '), out _));

    [Fact]
    public void TryParse_AuditFilters_Read()
    {
        Assert.True(AdminArguments.TryParse(["audit", "--since", "2026-01-31T12:00:00Z", "--limit", "10"], out var command));

        Assert.Equal(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero), command.Since);
        Assert.Equal(10, command.Limit);
    }

    [Fact]
    public void TryParse_UsersMode_Read()
    {
        Assert.True(AdminArguments.TryParse(["users", "--mode", "auth-only"], out var command));

        Assert.Equal(TwoFactorMode.AuthOnly, command.Mode);
    }
}
