using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// "OTPs, tokens, secrets, passwords never reach a log" (docs/ARCHITECTURE.md#invariants, 4), checked on everything a
/// gateway at Debug level wrote while it served every flow that carries one: enrolment in a pty, publish
/// with a TOTP and with a recovery code, a token created with a code, a couch login with a password and a
/// code, a wrong password, and npm logout (whose token is in the request path).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SecretsNeverLoggedTests(RegistryFixture registry)
{
    [Fact]
    public async Task AllTwoFactorFlowsAtDebugLevel_NoSecretInGatewayOutput()
    {
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
            ["Logging__LogLevel__Yarp"] = "Debug",
        }, store: "embedded");
        var user = await registry.CreateUserAsync("secrets");
        using var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(user.Token);
        var secrets = new List<(string What, string Value)> { ("password", user.Password), ("login token", user.Token) };

        var enable = await npm.RunInPtyAsync(npm.NewFolder("enable"), ["profile", "enable-2fa", "auth-and-writes"],
            new PtyStep.Answer("assword:", user.Password),
            new PtyStep.AnswerTotpOfShownSecret("authenticator:"));
        Assert.True(enable.Succeeded, enable.ToString());
        var secret = enable.ShownSecret!;
        secrets.Add(("TOTP secret", secret));
        secrets.Add(("enrolment code", enable.SentEnrolmentCode!));
        secrets.AddRange(enable.RecoveryCodes.Select(c => ("recovery code", c)));
        Assert.Equal(10, enable.RecoveryCodes.Count);

        var name = RegistryFixture.UniquePackageName("secretive");
        var code = await Totp.CodeAsync(secret);
        secrets.Add(("publish code", code));
        var publish = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", code);
        Assert.True(publish.Succeeded, publish.ToString());
        var publishRecovery = await npm.RunAsync(npm.CreatePackage(name, "1.1.0"), "publish", "--otp", enable.RecoveryCodes[0]);
        Assert.True(publishRecovery.Succeeded, publishRecovery.ToString());

        var created = await gateway.CreateTokenAsync(user, code);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        secrets.Add(("created token", created.Json!["token"]!.GetValue<string>()));

        // Couch login: password in the body, a code of another step (the login is another credential).
        var loginCode = await Totp.CodeAsync(secret, +1);
        secrets.Add(("login code", loginCode));
        var login = await gateway.SendAsync(HttpMethod.Put, $"-/user/org.couchdb.user:{user.Name}", token: null, loginCode, new JsonObject
        {
            ["_id"] = $"org.couchdb.user:{user.Name}", ["name"] = user.Name, ["password"] = user.Password,
            ["type"] = "user", ["roles"] = new JsonArray(), ["date"] = DateTime.UtcNow.ToString("o"),
        });
        Assert.True(login.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, login.ToString());

        var wrongPassword = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", user.Token, code,
            new JsonObject { ["tfa"] = new JsonObject { ["mode"] = "disable", ["password"] = "wrong-" + user.Password } });
        Assert.Equal(HttpStatusCode.Forbidden, wrongPassword.Status);

        // Web OTP (npm-auth-type: web): the flow's URLs are capabilities, so they are secrets too.
        var webChallenge = await gateway.PutDistTagAsync(user.Token, name, "web", "1.0.0", otp: null, new Dictionary<string, string> { ["npm-auth-type"] = "web" });
        Assert.Equal(HttpStatusCode.Unauthorized, webChallenge.Status);
        foreach (var key in new[] { "authUrl", "doneUrl" })
        {
            var url = new Uri(webChallenge.Json?[key]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"No {key}:\n{webChallenge}"));
            secrets.Add((key + " id", url.Segments[^1].Trim('/')));
            await gateway.SendAsync(HttpMethod.Get, url.PathAndQuery, token: null);
        }

        var secondToken = await registry.Verdaccio.LoginAsync(user);
        secrets.Add(("second token", secondToken));
        using var other = new NpmCli(gateway.RegistryUrl);
        other.SetToken(secondToken);
        var logout = await other.RunAsync(other.NewFolder("logout"), "logout");
        Assert.True(logout.Succeeded, logout.ToString());

        // Everything above is in the log by now (the last request's line is awaited), at Debug level.
        Assert.True(await gateway.Output.WaitForLineAsync("2FA change refused for user", user.Name), gateway.Output.Tail());
        var log = gateway.Output.Text;
        Assert.Contains("dbug:", log);
        foreach (var (what, value) in secrets)
        {
            Assert.False(Appears(log, value), $"The {what} appears in the gateway's output:\n{Around(log, value)}");
        }
    }

    /// <summary>Case-insensitive, and for 6-digit codes only as a whole number (not inside a longer one).</summary>
    private static bool Appears(string log, string value) =>
        Regex.IsMatch(log, $@"(?<![0-9.]){Regex.Escape(value)}(?![0-9])", RegexOptions.IgnoreCase)
        || (value.Contains('-') && value.Length == 19 && log.Contains(value.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));

    private static string Around(string log, string value)
    {
        var match = Regex.Match(log, Regex.Escape(value), RegexOptions.IgnoreCase);
        return match.Success ? log[Math.Max(0, match.Index - 300)..Math.Min(log.Length, match.Index + value.Length + 300)] : "";
    }
}
