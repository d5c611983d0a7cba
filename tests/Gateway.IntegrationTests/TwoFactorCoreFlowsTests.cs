using System.Net;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// The core 2FA flows with the real npm CLI through the gateway in front of the real Verdaccio, once per
/// store: the embedded Garnet and a real redis-server (the subclasses below). Each test asserts npm's exit
/// code and error code, then the registry's state read from Verdaccio directly, then the gateway's log.
/// Users are enrolled through the HTTP exchange of <c>npm profile enable-2fa</c> (<see cref="GatewayHttp.EnrolAsync"/>)
/// except in the test of that command itself, which drives it in a pseudo-terminal.
/// </summary>
/// <remarks>
/// The flows whose outcome hangs on the store's atomic scripts (a code bound to one token, a recovery code spent once)
/// run on both stores; enrolment in a terminal and a plain challenged publish store nothing the other flows do not,
/// so they run once, on the embedded store, to keep the suite within its time (docs/ARCHITECTURE.md, "Tests").
/// </remarks>
public abstract class TwoFactorCoreFlowsTests(RegistryFixture registry, ClassGateway classGateway)
{
    private protected RegistryFixture Registry => registry;

    /// <summary><c>Gateway__Store</c>: <c>embedded</c> or the fixture's redis-server.</summary>
    private protected abstract string Store { get; }

    private protected async Task EnableTwoFactorInPtyAsync()
    {
        var gateway = await GatewayAsync();
        var user = await registry.CreateUserAsync("enrol");
        using var npm = Npm(gateway, user.Token);

        // npm must not be given --otp here: the confirmation code is typed at the prompt (docs/PROTOCOL.md#62-enable-2fa).
        var enable = await npm.RunInPtyAsync(npm.NewFolder("enable"), ["profile", "enable-2fa", "auth-and-writes"],
            new PtyStep.Answer("assword:", user.Password),
            new PtyStep.AnswerTotpOfShownSecret("authenticator:"));

        Assert.True(enable.Succeeded, enable.ToString());
        Assert.Matches("^[A-Z2-7]{32}$", enable.ShownSecret);
        Assert.Equal(10, enable.RecoveryCodes.Count);
        Assert.Equal(10, enable.RecoveryCodes.Distinct().Count());
        var profile = await npm.RunAsync(npm.NewFolder("profile"), "profile", "get");
        Assert.True(profile.Succeeded, profile.ToString());
        Assert.Matches(@"two-factor auth:\s+auth-and-writes", profile.Stdout);
        Assert.True(await gateway.Output.WaitForLineAsync($"2FA enrolment started for user {user.Name} (mode auth-and-writes)"), gateway.Output.Tail());
        Assert.True(await gateway.Output.WaitForLineAsync($"2FA enabled for user {user.Name}"), gateway.Output.Tail());

        // The secret npm showed is the one the gateway checks: a code computed from it publishes.
        var name = RegistryFixture.UniquePackageName("enrolled");
        var publish = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", await Totp.CodeAsync(enable.ShownSecret!, +1));
        Assert.True(publish.Succeeded, publish.ToString());
        Assert.NotNull(await registry.Verdaccio.GetPackumentAsync(name));
    }

    private protected async Task PublishChallengedThenAcceptedAsync()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("pub2fa"));
        using var npm = Npm(gateway, user.Token);
        var name = RegistryFixture.UniquePackageName("guarded");
        var folder = npm.CreatePackage(name, "1.0.0");

        var withoutCode = await npm.RunAsync(folder, "publish");

        Assert.False(withoutCode.Succeeded, withoutCode.ToString());
        Assert.Contains("code EOTP", withoutCode.Stderr);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor refused (Missing) for PUT publish of {name} by user {user.Name}"), gateway.Output.Tail());

        var withCode = await npm.RunAsync(folder, "publish", "--otp", await Totp.CodeAsync(user.Secret));

        Assert.True(withCode.Succeeded, withCode.ToString());
        var packument = await registry.Verdaccio.GetPackumentAsync(name);
        Assert.Equal("1.0.0", packument?["dist-tags"]?["latest"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await registry.Verdaccio.GetStatusAsync($"{name}/-/{name}-1.0.0.tgz"));
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor accepted (totp) for publish of {name} by user {user.Name}"), gateway.Output.Tail());
    }

    [Fact]
    public async Task SameCode_AcceptedForTokenA_RefusedForTokenBOfSameUser_ReusableByTokenA()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("replay"));
        using var npmA = Npm(gateway, user.Token);
        using var npmB = Npm(gateway, await registry.Verdaccio.LoginAsync(user.User));
        var name = RegistryFixture.UniquePackageName("replayed");
        var code = await Totp.CodeAsync(user.Secret);

        var first = await npmA.RunAsync(npmA.CreatePackage(name, "1.0.0"), "publish", "--otp", code);
        Assert.True(first.Succeeded, first.ToString());

        var replay = await npmB.RunAsync(npmB.CreatePackage(name, "1.1.0"), "publish", "--otp", code);

        Assert.False(replay.Succeeded, replay.ToString());
        Assert.Contains("code EOTP", replay.Stderr);
        Assert.Equal(["1.0.0"], await VersionsAsync(name));
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor refused (Replayed) for PUT publish of {name} by user {user.Name}"), gateway.Output.Tail());

        // Token A may use its code again within the code's window (npm sends it on every request of a run).
        var again = await npmA.RunAsync(npmA.CreatePackage(name, "1.2.0"), "publish", "--otp", code);

        Assert.True(again.Succeeded, again.ToString());
        Assert.Equal(["1.0.0", "1.2.0"], await VersionsAsync(name));
    }

    /// <summary>
    /// A recovery code is single-use across credentials, but stays bound to the credential that spent it
    /// for 5 minutes (SecondFactorVerifier.RecoveryCodeCommandWindow), because npm sends the same --otp value on
    /// every request of a multi-request command (unpublish, owner, login) and on the retry of a whole
    /// sequence (docs/PROTOCOL.md#23-retries).
    /// </summary>
    [Fact]
    public async Task RecoveryCode_WorksOnce_RefusedForAnotherToken_ReusableBySameTokenWithinCommandWindow()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("recovery"));
        using var npmA = Npm(gateway, user.Token);
        using var npmB = Npm(gateway, await registry.Verdaccio.LoginAsync(user.User));
        var name = RegistryFixture.UniquePackageName("recovered", scope: "acme");
        var recoveryCode = user.RecoveryCodes[0];

        var spend = await npmA.RunAsync(npmA.CreatePackage(name, "1.0.0"), "publish", "--otp", recoveryCode);

        Assert.True(spend.Succeeded, spend.ToString());
        Assert.Equal(["1.0.0"], await VersionsAsync(name));
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor accepted (recovery-code) for publish of {name} by user {user.Name}"), gateway.Output.Tail());

        var otherToken = await npmB.RunAsync(npmB.CreatePackage(name, "1.1.0"), "publish", "--otp", recoveryCode);

        Assert.False(otherToken.Succeeded, otherToken.ToString());
        Assert.Contains("code EOTP", otherToken.Stderr);
        Assert.Equal(["1.0.0"], await VersionsAsync(name));

        var sameToken = await npmA.RunAsync(npmA.CreatePackage(name, "1.2.0"), "publish", "--otp", recoveryCode);

        Assert.True(sameToken.Succeeded, sameToken.ToString());
        Assert.Equal(["1.0.0", "1.2.0"], await VersionsAsync(name));

        // Token B was refused because of that code, not because it cannot publish: an unspent code works for it.
        var fresh = await npmB.RunAsync(npmB.CreatePackage(name, "1.3.0"), "publish", "--otp", user.RecoveryCodes[1].ToUpperInvariant());

        Assert.True(fresh.Succeeded, fresh.ToString());
        Assert.Equal(["1.0.0", "1.2.0", "1.3.0"], await VersionsAsync(name));
    }

    private protected Task<GatewayProcess> GatewayAsync() =>
        classGateway.GetAsync(() => GatewayProcess.StartAsync(registry.Verdaccio.Url, Store));

    private static NpmCli Npm(GatewayProcess gateway, string token)
    {
        var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(token);
        return npm;
    }

    private async Task<IReadOnlyList<string>> VersionsAsync(string name)
    {
        var packument = await registry.Verdaccio.GetPackumentAsync(name);
        return packument?["versions"]?.AsObject().Select(v => v.Key).Order(StringComparer.Ordinal).ToList() ?? [];
    }
}

[Collection(SecondRegistryCollection.Name)]
public sealed class TwoFactorCoreFlows_EmbeddedStore(RegistryFixture registry, ClassGateway classGateway)
    : TwoFactorCoreFlowsTests(registry, classGateway), IClassFixture<ClassGateway>
{
    private protected override string Store => "embedded";

    [Fact]
    public Task EnableTwoFactor_InPty_ProfileShowsAuthAndWrites_TenRecoveryCodes_SecretWorks() => EnableTwoFactorInPtyAsync();

    [Fact]
    public Task Publish_AuthAndWrites_WithoutCodeEotpAndNothingStored_WithCodeStored() => PublishChallengedThenAcceptedAsync();
}

[Collection(SecondRegistryCollection.Name)]
public sealed class TwoFactorCoreFlows_RedisStore(RegistryFixture registry, ClassGateway classGateway)
    : TwoFactorCoreFlowsTests(registry, classGateway), IClassFixture<ClassGateway>
{
    private protected override string Store => Registry.Redis.ConnectionString;
}
