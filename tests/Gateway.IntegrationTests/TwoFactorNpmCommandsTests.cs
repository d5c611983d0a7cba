using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Every npm write command, mode switches, login, lock-out and disabling 2FA, with the real npm CLI
/// (in a pseudo-terminal where npm must prompt) through one gateway on the fixture's redis-server.
/// The core flows run on both stores in <see cref="TwoFactorCoreFlowsTests"/>; these run on one.
/// The gateway's first lock-out is 3 s (instead of 30 s) so the lock-out test can wait it out.
/// </summary>
[Collection(SecondRegistryCollection.Name)]
public sealed class TwoFactorNpmCommandsTests(RegistryFixture registry, ClassGateway classGateway) : IClassFixture<ClassGateway>
{
    // Long enough that npm, started after the lock-out began, still meets it on a loaded 2-core CI machine (at 3 s an
    // npm start under load outlived it); the test waits it out once.
    private static readonly TimeSpan s_firstLockout = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task WrongCode_Eotp_RepeatedFailuresLockOutWith429AndRetryAfter_ValidCodeWorksAfterLockout()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("lockout"));
        using var npm = Npm(gateway, user.Token);
        var name = RegistryFixture.UniquePackageName("locked");
        var code = await Totp.CodeAsync(user.Secret);
        await PublishAsync(npm, name, "1.0.0", "--otp", code);
        var wrong = await Totp.WrongCodeAsync(user.Secret);
        var cwd = npm.NewFolder("tags");

        // Failure 1: npm's own view of a wrong code.
        var wrongCode = await npm.RunAsync(cwd, "dist-tag", "add", $"{name}@1.0.0", "beta", "--otp", wrong);

        Assert.False(wrongCode.Succeeded, wrongCode.ToString());
        Assert.Contains("code EOTP", wrongCode.Stderr);
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor refused (Invalid) for PUT dist-tag-add of {name} by user {user.Name}"), gateway.Output.Tail());

        // Failures 2-5 are answered with the plain challenge; the 5th (Gateway:Regulation:FreeFailures) starts the lock-out.
        for (var attempt = 2; attempt <= 5; attempt++)
        {
            var answer = await gateway.PutDistTagAsync(user.Token, name, "beta", "1.0.0", wrong);
            Assert.True(answer.Status == HttpStatusCode.Unauthorized && answer.Header("WWW-Authenticate") == "otp", $"attempt {attempt}: {answer}");
        }

        // From the 6th attempt everything is 429 until the lock-out ends.
        var sixth = await gateway.PutDistTagAsync(user.Token, name, "beta", "1.0.0", wrong);
        Assert.True(sixth.Status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, sixth.ToString());
        var locked = await gateway.PutDistTagAsync(user.Token, name, "beta", "1.0.0", code); // even a valid code

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.Status);
        var retryAfter = int.Parse(locked.Header("Retry-After") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, (int)s_firstLockout.TotalSeconds);
        Assert.False(string.IsNullOrEmpty(locked.Json?["error"]?.GetValue<string>()), locked.ToString());
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor refused (LockedOut) for PUT dist-tag-add of {name} by user {user.Name}"), gateway.Output.Tail());

        // npm retries a 429 by itself (fetch-retries); without retries it shows the lock-out as E429.
        var duringLockout = await npm.RunAsync(cwd, "dist-tag", "add", $"{name}@1.0.0", "beta", "--otp", code, "--fetch-retries=0");

        Assert.False(duringLockout.Succeeded, duringLockout.ToString());
        Assert.Contains("E429", duringLockout.Stderr);
        Assert.False(TagsOf(await PackumentAsync(name)).ContainsKey("beta"));

        await Task.Delay(s_firstLockout + TimeSpan.FromMilliseconds(300));
        var afterLockout = await npm.RunAsync(cwd, "dist-tag", "add", $"{name}@1.0.0", "beta", "--otp", await Totp.CodeAsync(user.Secret));

        Assert.True(afterLockout.Succeeded, afterLockout.ToString());
        Assert.Equal("1.0.0", TagsOf(await PackumentAsync(name))["beta"]?.GetValue<string>());
    }

    /// <summary>The issue's wording: "after 5 consecutive wrong codes the next attempt gets HTTP 429".</summary>
    [Fact]
    public async Task FiveWrongCodes_NextAttemptIsRefusedWith429EvenWithValidCode()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("fivewrong"));
        var name = RegistryFixture.UniquePackageName("fivewrong");
        var wrong = await Totp.WrongCodeAsync(user.Secret);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var answer = await gateway.PutDistTagAsync(user.Token, name, "beta", "1.0.0", wrong);
            Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"attempt {attempt}: {answer}");
        }

        var next = await gateway.PutDistTagAsync(user.Token, name, "beta", "1.0.0", await Totp.CodeAsync(user.Secret));

        Assert.Equal(HttpStatusCode.TooManyRequests, next.Status);
        Assert.NotNull(next.Header("Retry-After"));
    }

    [Fact]
    public async Task DeprecateAndDistTagAddRm_AuthAndWrites_ChallengedWithoutCode_AppliedWithCode()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("tagger"));
        using var npm = Npm(gateway, user.Token);
        var name = RegistryFixture.UniquePackageName("deptag", scope: "acme");
        var code = await Totp.CodeAsync(user.Secret);
        var cwd = npm.NewFolder("writes");
        await PublishAsync(npm, name, "1.0.0", "--otp", code);
        const string message = "use 2.x";

        await AssertChallengedAsync(npm, cwd, gateway, user, "deprecate", name, "deprecate", $"{name}@1.0.0", message);
        Assert.Null((await PackumentAsync(name))["versions"]?["1.0.0"]?["deprecated"]);
        await AssertSucceedsAsync(npm, cwd, "deprecate", $"{name}@1.0.0", message, "--otp", code);
        Assert.Equal(message, (await PackumentAsync(name))["versions"]?["1.0.0"]?["deprecated"]?.GetValue<string>());

        await AssertChallengedAsync(npm, cwd, gateway, user, "dist-tag-add", name, "dist-tag", "add", $"{name}@1.0.0", "stable");
        Assert.False(TagsOf(await PackumentAsync(name)).ContainsKey("stable"));
        await AssertSucceedsAsync(npm, cwd, "dist-tag", "add", $"{name}@1.0.0", "stable", "--otp", code);
        Assert.Equal("1.0.0", TagsOf(await PackumentAsync(name))["stable"]?.GetValue<string>());

        await AssertChallengedAsync(npm, cwd, gateway, user, "dist-tag-rm", name, "dist-tag", "rm", name, "stable");
        Assert.True(TagsOf(await PackumentAsync(name)).ContainsKey("stable"));
        await AssertSucceedsAsync(npm, cwd, "dist-tag", "rm", name, "stable", "--otp", code);
        Assert.False(TagsOf(await PackumentAsync(name)).ContainsKey("stable"));
    }

    [Fact]
    public async Task UnpublishScopedVersion_AuthAndWrites_ChallengedWithoutCode_WholeSequencePassesWithCode()
    {
        // npm's sequence: GET ?write=true, PUT /-rev/…, GET ?write=true, DELETE /@scope/name/-/<tarball>/-rev/…
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("unpub"));
        using var npm = Npm(gateway, user.Token);
        var name = RegistryFixture.UniquePackageName("unpub2fa", scope: "acme");
        var bare = name.Split('/')[1];
        var code = await Totp.CodeAsync(user.Secret);
        var cwd = npm.NewFolder("unpublish");
        await PublishAsync(npm, name, "1.0.0", "--otp", code);
        await PublishAsync(npm, name, "1.1.0", "--otp", code);

        await AssertChallengedAsync(npm, cwd, gateway, user, "unpublish", name, "unpublish", $"{name}@1.0.0");
        Assert.True(VersionsOf(await PackumentAsync(name)).ContainsKey("1.0.0"));
        Assert.Equal(HttpStatusCode.OK, await registry.Verdaccio.GetStatusAsync($"{name}/-/{bare}-1.0.0.tgz"));

        await AssertSucceedsAsync(npm, cwd, "unpublish", $"{name}@1.0.0", "--otp", code);

        var packument = await PackumentAsync(name);
        Assert.False(VersionsOf(packument).ContainsKey("1.0.0"), packument.ToJsonString());
        Assert.True(VersionsOf(packument).ContainsKey("1.1.0"), packument.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, await registry.Verdaccio.GetStatusAsync($"{name}/-/{bare}-1.0.0.tgz"));
        Assert.Equal(HttpStatusCode.OK, await registry.Verdaccio.GetStatusAsync($"{name}/-/{bare}-1.1.0.tgz"));
        // Both mutating requests of the sequence were checked, and passed with the same code.
        Assert.True(await gateway.Output.WaitForLinesAsync(2, $"Second factor accepted (totp) for unpublish of {name} by user {user.Name}"), gateway.Output.Tail());
    }

    /// <summary>Verdaccio 6 answers 422 to npm's owner change; what matters here is who refused it.</summary>
    [Fact]
    public async Task OwnerAdd_AuthAndWrites_ChallengedWithoutCode_NotChallengedWithCode()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("owner"));
        var other = await registry.CreateUserAsync("coowner");
        using var npm = Npm(gateway, user.Token);
        var name = RegistryFixture.UniquePackageName("owned");
        var code = await Totp.CodeAsync(user.Secret);
        var cwd = npm.NewFolder("owner");
        await PublishAsync(npm, name, "1.0.0", "--otp", code);

        var withoutCode = await npm.RunAsync(cwd, "owner", "add", other.Name, name);

        // npm owner wraps the EOTP error in its own EOWNERMUTATE, keeping the message.
        Assert.False(withoutCode.Succeeded, withoutCode.ToString());
        Assert.Contains("OTP required", withoutCode.Stderr);
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor refused (Missing) for PUT owner of {name} by user {user.Name}"), gateway.Output.Tail());

        var withCode = await npm.RunAsync(cwd, "owner", "add", other.Name, name, "--otp", code);

        Assert.DoesNotContain("OTP required", withCode.Stderr);
        Assert.DoesNotContain("EOTP", withCode.Stderr);
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor accepted (totp) for owner of {name} by user {user.Name}"), gateway.Output.Tail());
        if (!withCode.Succeeded)
        {
            Assert.Contains("422", withCode.Stderr); // Verdaccio's own answer, not the gateway's
        }
    }

    /// <summary>Class auth: needs a code in both modes. Via the HTTP API: npm 11's token create prompts for more than a password.</summary>
    [Fact]
    public async Task TokenCreate_AuthAndWrites_401OtpWithoutCode_CreatedWithCode()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("tokens"));

        await AssertTokenCreateNeedsCodeAsync(gateway, user);
    }

    [Fact]
    public async Task AuthOnly_SwitchedInPty_PublishWithoutCodeSucceeds_TokenCreateStillNeedsCode()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("authonly"));
        using var npm = Npm(gateway, user.Token);
        var code = await Totp.CodeAsync(user.Secret);

        // Already enrolled: npm's mode-change request is challenged and npm prompts for a code (docs/PROTOCOL.md#63-changing-the-mode-and-disable-2fa).
        // auth-type=legacy: npm 11's default (web) gets the gateway's web-OTP challenge (authUrl/doneUrl), not a prompt.
        var change = await npm.RunInPtyAsync(npm.NewFolder("mode"), ["profile", "enable-2fa", "auth-only", "--auth-type=legacy"],
            new PtyStep.Answer("assword:", user.Password),
            new PtyStep.Answer("OTP:", code));

        Assert.True(change.Succeeded, change.ToString());
        Assert.Contains("auth-only", change.Text);
        var profile = await npm.RunAsync(npm.NewFolder("profile"), "profile", "get");
        Assert.Matches(@"two-factor auth:\s+auth-only", profile.Stdout);
        Assert.True(await gateway.Output.WaitForLineAsync($"2FA mode of user {user.Name} changed to auth-only"), gateway.Output.Tail());

        var name = RegistryFixture.UniquePackageName("authonly");
        await PublishAsync(npm, name, "1.0.0");
        Assert.NotNull((await PackumentAsync(name))["versions"]?["1.0.0"]);

        await AssertTokenCreateNeedsCodeAsync(gateway, user);
    }

    [Fact]
    public async Task UserWithoutTwoFactor_PublishesThroughSameGateway_Unaffected()
    {
        var gateway = await GatewayAsync();
        var user = await registry.CreateUserAsync("plain");
        using var npm = Npm(gateway, user.Token);
        var name = RegistryFixture.UniquePackageName("plain2fa");

        await PublishAsync(npm, name, "1.0.0");

        Assert.Equal("1.0.0", TagsOf(await PackumentAsync(name))["latest"]?.GetValue<string>());
        var profile = await npm.RunAsync(npm.NewFolder("profile"), "profile", "get");
        Assert.Matches(@"two-factor auth:\s+disabled", profile.Stdout);
        Assert.False(gateway.Output.Contains($"by user {user.Name}"), gateway.Output.Tail());
    }

    [Fact]
    public async Task CouchLogin_TwoFactorUser_401OtpWithoutCode_LoginInPtyWithCodeWritesToken()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("login"));
        var body = new JsonObject
        {
            ["_id"] = $"org.couchdb.user:{user.Name}", ["name"] = user.Name, ["password"] = user.Password,
            ["type"] = "user", ["roles"] = new JsonArray(), ["date"] = DateTime.UtcNow.ToString("o"),
        };

        var withoutCode = await gateway.SendAsync(HttpMethod.Put, $"-/user/org.couchdb.user:{user.Name}", token: null, body: body);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.Status);
        Assert.Equal("otp", withoutCode.Header("WWW-Authenticate"));
        Assert.Contains("one-time pass", withoutCode.Body);

        using var npm = new NpmCli(gateway.RegistryUrl); // not logged in
        var login = await npm.RunInPtyAsync(npm.NewFolder("login"), ["login", "--auth-type=legacy"],
            new PtyStep.Answer("Username:", user.Name),
            new PtyStep.Answer("Password:", user.Password),
            new PtyStep.Answer("OTP:", await Totp.CodeAsync(user.Secret)));

        Assert.True(login.Succeeded, login.ToString());
        Assert.Contains("Logged in", login.Text);
        Assert.Contains($"{npm.NerfDart}:_authToken=", await File.ReadAllTextAsync(npm.UserConfigPath));
        var whoami = await npm.RunAsync(npm.NewFolder("whoami"), "whoami");
        Assert.True(whoami.Succeeded, whoami.ToString());
        Assert.Equal(user.Name, whoami.Stdout.Trim());
        Assert.True(await gateway.Output.WaitForLineAsync("Second factor accepted (totp) for login", $"by user {user.Name}"), gateway.Output.Tail());
    }

    [Fact]
    public async Task DisableTwoFactor_InPty_WrongPasswordRefusedAndStaysEnabled_ThenDisabledAndPublishNeedsNoCode()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("disable"));
        using var npm = Npm(gateway, user.Token);
        var code = await Totp.CodeAsync(user.Secret);

        // The OTP challenge comes before the password is checked, so npm asks for both (auth-type=legacy:
        // the classic "Enter OTP:" prompt rather than the web-OTP flow npm 11 uses by default).
        var wrongPassword = await npm.RunInPtyAsync(npm.NewFolder("disable"), ["profile", "disable-2fa", "--auth-type=legacy"],
            new PtyStep.Answer("assword:", "not-" + user.Password),
            new PtyStep.Answer("OTP:", code));

        Assert.False(wrongPassword.Succeeded, wrongPassword.ToString());
        Assert.Contains("password is not correct", wrongPassword.Text);
        Assert.True(await gateway.Output.WaitForLineAsync($"2FA change refused for user {user.Name}: wrong password"), gateway.Output.Tail());
        var stillOn = await npm.RunAsync(npm.NewFolder("profile"), "profile", "get");
        Assert.Matches(@"two-factor auth:\s+auth-and-writes", stillOn.Stdout);

        var disable = await npm.RunInPtyAsync(npm.NewFolder("disable"), ["profile", "disable-2fa", "--auth-type=legacy"],
            new PtyStep.Answer("assword:", user.Password),
            new PtyStep.Answer("OTP:", code));

        Assert.True(disable.Succeeded, disable.ToString());
        Assert.Contains("Two factor authentication disabled", disable.Text);
        var off = await npm.RunAsync(npm.NewFolder("profile"), "profile", "get");
        Assert.Matches(@"two-factor auth:\s+disabled", off.Stdout);
        var name = RegistryFixture.UniquePackageName("after2fa");
        await PublishAsync(npm, name, "1.0.0");
        Assert.NotNull((await PackumentAsync(name))["versions"]?["1.0.0"]);
    }

    private async Task AssertTokenCreateNeedsCodeAsync(GatewayProcess gateway, TwoFactorUser user)
    {
        var withoutCode = await gateway.CreateTokenAsync(user.User, otp: null);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.Status);
        Assert.Equal("otp", withoutCode.Header("WWW-Authenticate"));
        Assert.Contains("one-time pass", withoutCode.Body);
        Assert.True(await gateway.Output.WaitForLineAsync("Second factor refused (Missing) for POST token-create", $"by user {user.Name}"), gateway.Output.Tail());

        var withCode = await gateway.CreateTokenAsync(user.User, await Totp.CodeAsync(user.Secret));

        Assert.Equal(HttpStatusCode.OK, withCode.Status);
        var created = withCode.Json?["token"]?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(created), withCode.ToString());
        var whoami = await gateway.SendAsync(HttpMethod.Get, "-/whoami", created);
        Assert.Equal(user.Name, whoami.Json?["username"]?.GetValue<string>());
    }

    private static async Task AssertChallengedAsync(NpmCli npm, string cwd, GatewayProcess gateway, TwoFactorUser user, string action, string package, params string[] args)
    {
        var result = await npm.RunAsync(cwd, args);
        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("code EOTP", result.Stderr);
        Assert.True(await gateway.Output.WaitForLineAsync("Second factor refused (Missing) for ", $" {action} of {package} by user {user.Name}"), gateway.Output.Tail());
    }

    private static async Task AssertSucceedsAsync(NpmCli npm, string cwd, params string[] args)
    {
        var result = await npm.RunAsync(cwd, args);
        Assert.True(result.Succeeded, result.ToString());
    }

    private Task<GatewayProcess> GatewayAsync() =>
        classGateway.GetAsync(() => registry.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway__Regulation__FirstLockout"] = s_firstLockout.ToString(),
        }));

    private static NpmCli Npm(GatewayProcess gateway, string token)
    {
        var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(token);
        return npm;
    }

    private static async Task PublishAsync(NpmCli npm, string name, string version, params string[] extra)
    {
        var result = await npm.RunAsync(npm.CreatePackage(name, version), ["publish", .. extra]);
        Assert.True(result.Succeeded, result.ToString());
    }

    private async Task<JsonNode> PackumentAsync(string name) =>
        await registry.Verdaccio.GetPackumentAsync(name)
        ?? throw new Xunit.Sdk.XunitException($"{name} does not exist upstream.");

    private static JsonObject TagsOf(JsonNode packument) => packument["dist-tags"]!.AsObject();

    private static JsonObject VersionsOf(JsonNode packument) => packument["versions"]!.AsObject();
}
