using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// The gateway in front of Verdaccio 9, which takes no Basic credentials (README, "Verdaccio 9"): the password proofs
/// of a login, an enrolment and a sign-in go through the registry's own sign-in, and none of them can register a name.
/// Verdaccio's own <c>flags.tfa</c> is on (<see cref="Verdaccio9Fixture"/>): one code still does, because enrolment is
/// the gateway's and Verdaccio never learns of one; an account enrolled at Verdaccio itself cannot write through the
/// gateway. The 6.8 suite's registry-dependent 2FA essentials run here once more (recovery code, token create, dist-tag,
/// auth-only); the client matrix's publish/login subset runs against Verdaccio 9 in tests/Gateway.ClientMatrixTests.
/// Its own stage API (<c>flags.stage</c>) is on too, and the gateway forwards the stage routes to it
/// (<c>Gateway:Staging:Mode</c> = <c>upstream</c>) while approving still takes the gateway's second factor.
/// </summary>
[Collection(Verdaccio9Collection.Name)]
public sealed class Verdaccio9Tests(Verdaccio9Fixture registry, ClassGateway classGateway) : IClassFixture<ClassGateway>
{
    [Fact]
    public async Task NpmLogin_EnableTwoFactor_PublishChallengedThenAccepted_NextLoginNeedsTheCode()
    {
        var gateway = await GatewayAsync();
        var user = await registry.CreateUserAsync("v9");
        using var npm = new NpmCli(gateway.RegistryUrl);

        // npm login (web): the gateway's page takes the password and gets the user's own token from Verdaccio 9.
        await LoginAsync(npm, gateway, user, secret: null, usedCodes: []);

        var enable = await npm.RunInPtyAsync(npm.NewFolder("enable"), ["profile", "enable-2fa", "auth-and-writes"],
            new PtyStep.Answer("assword:", user.Password),
            new PtyStep.AnswerTotpOfShownSecret("authenticator:"));

        Assert.True(enable.Succeeded, enable.ToString());
        var secret = enable.ShownSecret!;
        Assert.True(await gateway.Output.WaitForLineAsync($"2FA enabled for user {user.Name}"), gateway.Output.Tail());

        var name = RegistryFixture.UniquePackageName("v9pub");
        var folder = npm.CreatePackage(name, "1.0.0");
        var withoutCode = await npm.RunAsync(folder, "publish");

        Assert.False(withoutCode.Succeeded, withoutCode.ToString());
        Assert.Contains("code EOTP", withoutCode.Stderr);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));

        var publishCode = await FreshCodeAsync(secret, enable.SentEnrolmentCode);
        var withCode = await npm.RunAsync(folder, "publish", "--otp", publishCode);

        Assert.True(withCode.Succeeded, withCode.ToString());
        Assert.NotNull((await registry.Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);

        // Another machine: the password, then the code.
        using var second = new NpmCli(gateway.RegistryUrl);
        await LoginAsync(second, gateway, user, secret, [enable.SentEnrolmentCode, publishCode]);
        Assert.True(await gateway.Output.WaitForLineAsync($"Web login of user {user.Name} completed (totp)"), gateway.Output.Tail());
    }

    [Fact]
    public async Task WrongPasswords_RefusedInVerdaccio9sWords_NoProofRegistersAName()
    {
        var gateway = await GatewayAsync();
        var guarded = await gateway.EnrolAsync(await registry.CreateUserAsync("v9guard"));
        var plain = await registry.CreateUserAsync("v9plain");

        // A login of an account with 2FA and a wrong password reads as Verdaccio 9's own refusal of one without.
        var registrys = await CouchLoginAsync(registry.Verdaccio.Http, plain.Name, "wrong-" + plain.Password);
        var gateways = await CouchLoginAsync(gateway.Http, guarded.Name, "wrong-" + guarded.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, registrys.Status);
        Assert.Equal((registrys.Status, registrys.Challenge, registrys.Body), (gateways.Status, gateways.Challenge, gateways.Body));

        // Enrolment with a wrong password: refused, still disabled.
        var enrol = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", plain.Token,
            body: new JsonObject { ["tfa"] = new JsonObject { ["mode"] = "auth-and-writes", ["password"] = "wrong-" + plain.Password } });

        Assert.Equal(HttpStatusCode.Forbidden, enrol.Status);
        Assert.Contains("password is not correct", enrol.Body);

        // A stranger's name, at the sign-in page and at npm's web login: refused, and the registry has no such account.
        var stranger = "stranger-" + Guid.NewGuid().ToString("N")[..8];
        using var page = new PageSession(gateway);
        await page.GetAsync("/-/gateway/sign-in");
        var signIn = await page.PostFormAsync("/-/gateway/sign-in", new Dictionary<string, string> { ["username"] = stranger, ["password"] = "pw-" + stranger });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.Status);

        var flow = await gateway.SendAsync(HttpMethod.Post, "-/v1/login", token: null, body: new JsonObject());
        var loginPath = new Uri(flow.Json?["loginUrl"]?.GetValue<string>() ?? throw new InvalidOperationException(flow.ToString())).AbsolutePath;
        await page.GetAsync(loginPath);
        var webLogin = await page.PostFormAsync(loginPath, new Dictionary<string, string> { ["username"] = stranger, ["password"] = "pw-" + stranger });
        Assert.Equal(HttpStatusCode.Unauthorized, webLogin.Status);

        Assert.DoesNotContain(stranger, registry.Verdaccio.AccountNames());
        Assert.Contains(plain.Name, registry.Verdaccio.AccountNames());
    }

    [Fact]
    public async Task NpmStage_Upstream_StagedByVerdaccioWithoutACode_ApproveChallengedThenAcceptedWithOtp()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("v9stage"));
        using var npm = new NpmCli(gateway.RegistryUrl, NpmCli.Npm11);
        npm.SetToken(user.User.Token);
        var name = RegistryFixture.UniquePackageName("v9stage");

        // npm stage publish never asks for a code: forwarded, and Verdaccio 9 holds the release.
        var staged = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "stage", "publish");

        Assert.True(staged.Succeeded, staged.ToString());
        var stageId = System.Text.RegularExpressions.Regex.Match(staged.Stdout + staged.Stderr, "staged with id ([0-9a-f-]{36})").Groups[1].Value;
        Assert.NotEmpty(stageId);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));

        // Approving needs the gateway's second factor: without a terminal npm cannot be prompted, so EOTP.
        var withoutCode = await npm.RunAsync(npm.NewFolder("approve"), "stage", "approve", stageId);

        Assert.False(withoutCode.Succeeded, withoutCode.ToString());
        Assert.Contains("EOTP", withoutCode.Stderr);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));

        var approved = await npm.RunAsync(npm.NewFolder("approve"), "stage", "approve", stageId, "--otp", await FreshCodeAsync(user.Secret));

        Assert.True(approved.Succeeded, approved.ToString());
        Assert.NotNull((await registry.Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    }

    /// <summary>
    /// The 6.8 suite's essentials that depend on the registry (TwoFactorCoreFlowsTests, TwoFactorNpmCommandsTests), once
    /// on Verdaccio 9: a recovery code publishes once, and a token create is challenged then answers a token that works;
    /// that token cannot spend the recovery code again; dist-tag needs the code; in auth-only, writes need none and token
    /// creation still does.
    /// </summary>
    [Fact]
    public async Task RecoveryCodeOnce_TokenCreateChallenged_DistTagWithCode_AuthOnlySwitch()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("v9flows"));
        using var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(user.Token);
        var name = RegistryFixture.UniquePackageName("v9flows");
        var recoveryCode = user.RecoveryCodes[0];

        var spend = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", recoveryCode);

        Assert.True(spend.Succeeded, spend.ToString());
        Assert.True(await gateway.Output.WaitForLineAsync($"Second factor accepted (recovery-code) for publish of {name} by user {user.Name}"), gateway.Output.Tail());

        var code = await Totp.CodeAsync(user.Secret);
        var second = await AssertTokenCreateNeedsCodeAsync(gateway, user, code);
        var other = RegistryFixture.UniquePackageName("v9other");
        var replay = await gateway.SendAsync(HttpMethod.Put, other, second, recoveryCode, PublishDocuments.Create(other, "1.0.0"));

        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Equal("otp", replay.Header("WWW-Authenticate"));
        Assert.True(await gateway.Output.WaitForLineAsync("Second factor refused (", $"publish of {other} by user {user.Name}"), gateway.Output.Tail());
        // Refused for that code, not for the token: an unspent one publishes.
        var fresh = await gateway.SendAsync(HttpMethod.Put, other, second, user.RecoveryCodes[1], PublishDocuments.Create(other, "1.0.0"));
        Assert.True(fresh.Status == HttpStatusCode.Created, fresh.ToString());

        var cwd = npm.NewFolder("tags");
        var tagWithoutCode = await npm.RunAsync(cwd, "dist-tag", "add", $"{name}@1.0.0", "beta");

        Assert.False(tagWithoutCode.Succeeded, tagWithoutCode.ToString());
        Assert.Contains("code EOTP", tagWithoutCode.Stderr);
        var tagWithCode = await npm.RunAsync(cwd, "dist-tag", "add", $"{name}@1.0.0", "beta", "--otp", code);

        Assert.True(tagWithCode.Succeeded, tagWithCode.ToString());
        Assert.Equal("1.0.0", (await registry.Verdaccio.GetPackumentAsync(name))?["dist-tags"]?["beta"]?.GetValue<string>());

        // auth-type=legacy: the mode change's challenge as npm's prompt (docs/PROTOCOL.md#63-changing-the-mode-and-disable-2fa).
        var change = await npm.RunInPtyAsync(npm.NewFolder("mode"), ["profile", "enable-2fa", "auth-only", "--auth-type=legacy"],
            new PtyStep.Answer("assword:", user.Password),
            new PtyStep.Answer("OTP:", code));

        Assert.True(change.Succeeded, change.ToString());
        Assert.True(await gateway.Output.WaitForLineAsync($"2FA mode of user {user.Name} changed to auth-only"), gateway.Output.Tail());
        var publishWithoutCode = await npm.RunAsync(npm.CreatePackage(name, "1.1.0"), "publish");

        Assert.True(publishWithoutCode.Succeeded, publishWithoutCode.ToString());
        Assert.NotNull((await registry.Verdaccio.GetPackumentAsync(name))?["versions"]?["1.1.0"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.CreateTokenAsync(user.User, otp: null)).Status);
    }

    /// <summary>
    /// An account enrolled in Verdaccio 9's own <c>flags.tfa</c> straight at the registry (README, "Verdaccio 9"): the
    /// registry challenges its writes through the gateway too, and its code never gets there, because the gateway removes
    /// <c>npm-otp</c> from every forwarded request; straight at the registry the same code publishes.
    /// </summary>
    [Fact]
    public async Task AccountEnrolledAtVerdaccio9Itself_ItsCodeNeverPassesTheGateway_WorksStraightAtTheRegistry()
    {
        var gateway = await GatewayAsync();
        var user = await registry.CreateUserAsync("v9own");
        var start = await registry.Verdaccio.Http.SendRawAsync(HttpMethod.Post, "-/npm/v1/user", "Bearer " + user.Token,
            new JsonObject { ["tfa"] = new JsonObject { ["mode"] = "auth-and-writes", ["password"] = user.Password } }.ToJsonString(), "application/json");
        var otpauth = start.Json?["tfa"]?.GetValue<string>() ?? throw new InvalidOperationException(start.ToString());
        var secret = System.Web.HttpUtility.ParseQueryString(new Uri(otpauth).Query)["secret"]!;
        // Verdaccio refuses a code of a step it has seen (its replay rule): enrol with the previous step's, publish with this one's.
        await Totp.AwayFromStepEndAsync();
        var step = Totp.CurrentStep;
        var confirm = await registry.Verdaccio.Http.SendRawAsync(HttpMethod.Post, "-/npm/v1/user", "Bearer " + user.Token,
            new JsonObject { ["tfa"] = new JsonArray(Totp.Compute(secret, step - 1)) }.ToJsonString(), "application/json");
        Assert.True(confirm.Status == HttpStatusCode.OK, confirm.ToString());

        var name = RegistryFixture.UniquePackageName("v9own");
        var code = Totp.Compute(secret, step);
        var throughGateway = await gateway.SendAsync(HttpMethod.Put, name, user.Token, code, PublishDocuments.Create(name, "1.0.0"));

        Assert.Equal(HttpStatusCode.Unauthorized, throughGateway.Status);
        Assert.Equal("otp", throughGateway.Header("WWW-Authenticate"));
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));
        Assert.False(gateway.Output.Contains($"by user {user.Name}"), "the gateway, not Verdaccio, challenged:\n" + gateway.Output.Tail());

        var straight = await registry.Verdaccio.Http.SendRawAsync(HttpMethod.Put, name, "Bearer " + user.Token,
            PublishDocuments.Create(name, "1.0.0").ToJsonString(), "application/json", new Dictionary<string, string> { ["npm-otp"] = code });

        Assert.True(straight.Status == HttpStatusCode.Created, straight.ToString());
    }

    /// <summary><c>npm login</c> in a pseudo-terminal, its page answered with the password and, for a 2FA account, a code no one has used.</summary>
    internal static async Task LoginAsync(NpmCli npm, GatewayProcess gateway, RegistryUser user, string? secret, IReadOnlyCollection<string?> usedCodes)
    {
        await using var login = npm.StartInPty(npm.NewFolder("login"), ["login"], new PtyStep.LoginUrl());
        var loginPath = new Uri(await login.WaitForUrlAsync()).AbsolutePath;
        using var page = new PageSession(gateway);
        await page.GetAsync(loginPath);
        var answer = await page.PostFormAsync(loginPath, new Dictionary<string, string> { ["username"] = user.Name, ["password"] = user.Password });
        if (secret is not null)
        {
            Assert.Contains("id=\"login-second-factor\"", answer.Body);
            Assert.False(login.HasExited, "npm must wait for the second factor:\n" + login.Output);
            answer = await page.PostFormAsync(loginPath + "/second-factor", new Dictionary<string, string> { ["code"] = await FreshCodeAsync(secret, [.. usedCodes]) });
        }

        Assert.True(answer.Status == HttpStatusCode.OK && answer.Body.Contains("id=\"logged-in\"", StringComparison.Ordinal), answer.ToString());
        var result = await login.WaitForExitAsync();
        Assert.True(result.Succeeded, result.ToString());
        var whoami = await npm.RunAsync(npm.NewFolder("whoami"), "whoami");
        Assert.True(whoami.Succeeded, whoami.ToString());
        Assert.Equal(user.Name, whoami.Stdout.Trim());
    }

    /// <summary>Token create is challenged without a code and answers, with one, a token that works; returns that token.</summary>
    private static async Task<string> AssertTokenCreateNeedsCodeAsync(GatewayProcess gateway, TwoFactorUser user, string code)
    {
        var withoutCode = await gateway.CreateTokenAsync(user.User, otp: null);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.Status);
        Assert.Equal("otp", withoutCode.Header("WWW-Authenticate"));

        var withCode = await gateway.CreateTokenAsync(user.User, code);

        var created = withCode.Status == HttpStatusCode.OK ? withCode.Json?["token"]?.GetValue<string>() : null;
        Assert.False(string.IsNullOrEmpty(created), withCode.ToString());
        var whoami = await gateway.SendAsync(HttpMethod.Get, "-/whoami", created);
        Assert.Equal(user.Name, whoami.Json?["username"]?.GetValue<string>());
        return created;
    }

    /// <summary>A valid code (current, next or previous step) that none of <paramref name="used"/> is: a used one would be a replay.</summary>
    private static async Task<string> FreshCodeAsync(string secret, params string?[] used)
    {
        await Totp.AwayFromStepEndAsync();
        return new[] { 0, 1, -1 }.Select(offset => Totp.Compute(secret, Totp.CurrentStep + offset)).First(code => !used.Contains(code));
    }

    private static async Task<(HttpStatusCode Status, string? Challenge, string Body)> CouchLoginAsync(HttpClient http, string name, string password)
    {
        var body = new JsonObject { ["_id"] = $"org.couchdb.user:{name}", ["name"] = name, ["password"] = password, ["type"] = "user", ["roles"] = new JsonArray() };
        using var response = await http.PutAsync($"-/user/org.couchdb.user:{Uri.EscapeDataString(name)}",
            new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString(), await response.Content.ReadAsStringAsync());
    }

    private Task<GatewayProcess> GatewayAsync() => classGateway.GetAsync(() => registry.StartGatewayAsync(
        new Dictionary<string, string?> { ["Gateway__Staging__Mode"] = "upstream" }, host: "localhost"));
}
