using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Resilience;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Identity;

/// <summary>
/// Password proofs and the web login's token against a registry that takes Basic credentials (Verdaccio 6.8) and one
/// that refuses them (Verdaccio 9): right and wrong passwords, and names the registry does not know, which no proof
/// and no login may sign up.
/// </summary>
public sealed class PasswordCheckerTests
{
    private static readonly Usernames s_usernames = new(Options.Create(new GatewayOptions()));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RightPassword_IsProven(bool takesBasic)
    {
        var registry = new StubRegistry(takesBasic).WithUser("alice", "pw-alice");

        Assert.True((await Checker(registry).ProveAsync("alice", "pw-alice", default)).Valid);
    }

    [Fact]
    public async Task TakesBasic_OneWhoami_NoSignIn()
    {
        var registry = new StubRegistry(takesBasic: true).WithUser("alice", "pw-alice");

        await Checker(registry).ProveAsync("alice", "pw-alice", default);

        Assert.Equal(new[] { "GET /-/whoami Basic" }, registry.Requests);
    }

    [Fact]
    public async Task RefusesBasic_WrongPassword_AskedAtItsSignIn_ItsChallengeKept()
    {
        var registry = new StubRegistry(takesBasic: false).WithUser("alice", "pw-alice");

        var wrong = await Checker(registry).ProveAsync("alice", "not-pw-alice", default);

        Assert.False(wrong.Valid);
        Assert.Equal("Bearer", wrong.RegistryChallenge);
        Assert.Equal(new[] { "GET /-/whoami Basic", "POST /-/verdaccio/sec/login anonymous" }, registry.Requests);
    }

    /// <summary>The approval's one publish on the "Staged releases" page: the credential the registry took the password with.</summary>
    [Theory]
    [InlineData(true, "Basic YWxpY2U6cHctYWxpY2U=")] // alice:pw-alice
    [InlineData(false, "Bearer session-of-alice")] // Verdaccio 9: its sign-in session
    public async Task Credential_IsWhatTheRegistryTookThePasswordWith_NoneForAWrongOne(bool takesBasic, string expected)
    {
        var registry = new StubRegistry(takesBasic).WithUser("alice", "pw-alice");

        Assert.Equal(expected, await Checker(registry).CredentialAsync("alice", "pw-alice", default));
        Assert.Null(await Checker(registry).CredentialAsync("alice", "pw-bob", default));
        Assert.Empty(registry.SignUps);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WrongPassword_IsRefused(bool takesBasic)
    {
        var registry = new StubRegistry(takesBasic).WithUser("alice", "pw-alice");

        Assert.False((await Checker(registry).ProveAsync("alice", "pw-bob", default)).Valid);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnknownName_IsRefused_AndNeverSignedUp(bool takesBasic)
    {
        var registry = new StubRegistry(takesBasic).WithUser("alice", "pw-alice");

        Assert.False((await Checker(registry).ProveAsync("mallory", "pw-mallory", default)).Valid);
        Assert.Null(await Login(registry).LoginAsync("mallory", "pw-mallory", default));

        Assert.Empty(registry.SignUps);
        Assert.DoesNotContain(registry.Requests, r => r.StartsWith("PUT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignInOfAnotherUser_IsNoProof()
    {
        // A registry whose sign-in answers for someone else (an alias, a proxy in between) proves nothing for this name.
        var registry = new StubRegistry(takesBasic: false).WithUser("alice2", "pw");

        Assert.False((await Checker(registry).ProveAsync("alice", "pw", default)).Valid);
    }

    [Fact]
    public async Task RegistryWithoutSignIn_RefusingBasic_IsRefused_NotAnError()
    {
        var registry = new StubRegistry(takesBasic: false, hasSignIn: false).WithUser("alice", "pw-alice");

        Assert.False((await Checker(registry).ProveAsync("alice", "pw-alice", default)).Valid);
    }

    [Theory]
    [InlineData(false, "PUT /-/user/org.couchdb.user:alice/-rev/undefined Bearer")]
    [InlineData(true, "PUT /-/user/org.couchdb.user:alice/-rev/undefined Basic")]
    public async Task Login_RightPassword_TheRegistrysToken_ByALoginNeverASignUp(bool takesBasic, string couchLogin)
    {
        var registry = new StubRegistry(takesBasic).WithUser("alice", "pw-alice");

        Assert.Equal("api-token-of-alice", await Login(registry).LoginAsync("alice", "pw-alice", default));

        Assert.Contains(couchLogin, registry.Requests);
        Assert.Empty(registry.SignUps);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Login_WrongPassword_NoToken_NoCouchLogin(bool takesBasic)
    {
        var registry = new StubRegistry(takesBasic).WithUser("alice", "pw-alice");

        Assert.Null(await Login(registry).LoginAsync("alice", "pw-bob", default));

        Assert.DoesNotContain(registry.Requests, r => r.StartsWith("PUT", StringComparison.Ordinal));
    }

    private static DependencyGuard Guard() => new("the registry", TimeSpan.FromSeconds(5), TimeProvider.System);

    /// <summary>The registry at its host's root, as the stub answers it.</summary>
    private static readonly Gateway.Proxy.RegistryUris s_uris = new(new Gateway.Configuration.GatewayOptions { Upstream = "http://registry.invalid", PublicUrl = "http://gateway.invalid" });

    private static PasswordChecker Checker(StubRegistry registry) =>
        new(new WhoamiClient(registry, s_uris), new RegistrySignIn(registry, s_uris), s_usernames, Guard());

    private static UpstreamLogin Login(StubRegistry registry) =>
        new(registry, s_uris, new WhoamiClient(registry, s_uris), new RegistrySignIn(registry, s_uris), s_usernames, Guard());
}
