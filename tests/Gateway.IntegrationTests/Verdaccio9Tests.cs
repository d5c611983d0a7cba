using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// The gateway in front of Verdaccio 9, which takes no Basic credentials (README, "Verdaccio 9"): the password proofs
/// of a login, an enrolment and a sign-in go through the registry's own sign-in, and none of them can register a name.
/// Verdaccio's own <c>flags.tfa</c> is on (<see cref="Verdaccio9Fixture"/>): one code still does, because enrolment is
/// the gateway's and Verdaccio never learns of one. Its own stage API (<c>flags.stage</c>) is on too, and the gateway
/// forwards the stage routes to it (<c>Gateway:Staging:Mode</c> = <c>upstream</c>) while approving still takes the
/// gateway's second factor.
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

    /// <summary><c>npm login</c> in a pseudo-terminal, its page answered with the password and, for a 2FA account, a code no one has used.</summary>
    private static async Task LoginAsync(NpmCli npm, GatewayProcess gateway, RegistryUser user, string? secret, IReadOnlyCollection<string?> usedCodes)
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
