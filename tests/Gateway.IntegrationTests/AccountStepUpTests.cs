using System.Net;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Step-up on the account pages: a session cookie older than the step-up window (4 s here, through
/// <c>Gateway__StepUpWindow</c>) cannot add or replace a factor: start or confirm an authenticator app,
/// begin or complete a security key, change the mode. A second factor in the form (or, before the account
/// has one, a new sign-in with the password) makes the change possible again. HTTP with a cookie jar, the
/// antiforgery token read from each page; registry-side effects checked through the npm API.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class AccountStepUpTests(RegistryFixture registry, ClassGateway classGateway) : IClassFixture<ClassGateway>
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan s_staleAfter = s_window + TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task StaleSession_TwoFactorUser_CannotStartTotpAddKeyOrChangeMode_SecondFactorInFormStepsUp()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("stale"));
        using var page = new PageSession(gateway);
        await page.SignInAsync(user.User, await Totp.CodeAsync(user.Secret, -1));
        await Task.Delay(s_staleAfter);

        await page.GetAsync("/-/gateway/account");
        var start = await page.PostFormAsync("/-/gateway/account/totp/start", new Dictionary<string, string>());
        AssertStepUpRefused(start);
        Assert.DoesNotContain("id=\"secret\"", start.Body, StringComparison.Ordinal);

        var keyOptions = await page.PostJsonAsync("/-/gateway/account/keys/options", "{}");
        Assert.True(keyOptions.Status == HttpStatusCode.Forbidden, keyOptions.ToString());
        Assert.NotNull(keyOptions.Json?["error"]);
        var addKey = await page.PostFormAsync("/-/gateway/account/keys",
            new Dictionary<string, string> { ["name"] = "attacker key", ["ceremonyId"] = "x", ["credential"] = "{}" });
        AssertStepUpRefused(addKey);

        var mode = await page.PostFormAsync("/-/gateway/account/mode", new Dictionary<string, string> { ["mode"] = "auth-only" });
        Assert.True(mode.Status == HttpStatusCode.Unauthorized, mode.ToString());
        Assert.Equal("auth-and-writes", await ModeAsync(gateway, user.User));
        Assert.True(await gateway.Output.WaitForLineAsync($"Account of user {user.Name}: refused to start an authenticator app without a fresh step-up"), gateway.Output.Tail());
        var account = await page.GetAsync("/-/gateway/account");
        Assert.Contains("id=\"step-up-form\"", account.Body, StringComparison.Ordinal); // the page asks for the step-up

        // A second factor in the form is a step-up: the change happens, and for a while the next ones need none.
        var withCode = await page.PostFormAsync("/-/gateway/account/mode",
            new Dictionary<string, string> { ["mode"] = "auth-only", ["code"] = await Totp.CodeAsync(user.Secret, +1) });
        Assert.True(withCode.Status == HttpStatusCode.OK, withCode.ToString());
        Assert.Equal("auth-only", await ModeAsync(gateway, user.User));
        var fresh = await page.PostFormAsync("/-/gateway/account/totp/start", new Dictionary<string, string>());
        Assert.True(fresh.Status == HttpStatusCode.OK, fresh.ToString());
        Assert.Contains("id=\"secret\"", fresh.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TotpConfirm_OnlyWithTicketOfTheSessionThatStartedIt_WithinTheWindow()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("confirm"));
        using var starter = new PageSession(gateway);
        await starter.SignInAsync(user.User, await Totp.CodeAsync(user.Secret, -1));
        var start = await starter.PostFormAsync("/-/gateway/account/totp/start", new Dictionary<string, string>());
        Assert.True(start.Status == HttpStatusCode.OK, start.ToString());
        var newSecret = SecretShown(start);
        var ticket = PageSession.InputValue(start, "enrolment") ?? "";

        // Another (fresh) session of the same user cannot finish this enrolment, even with the right code and ticket.
        using var other = new PageSession(gateway);
        await other.SignInAsync(user.User, await Totp.CodeAsync(user.Secret, 0));
        var foreign = await other.PostFormAsync("/-/gateway/account/totp/confirm",
            new Dictionary<string, string> { ["code"] = await Totp.CodeAsync(newSecret), ["enrolment"] = ticket });
        AssertNotConfirmed(foreign);

        // Nor can the starting session once its step-up is stale.
        await Task.Delay(s_staleAfter);
        var late = await starter.PostFormAsync("/-/gateway/account/totp/confirm",
            new Dictionary<string, string> { ["code"] = await Totp.CodeAsync(newSecret), ["enrolment"] = ticket });
        AssertNotConfirmed(late);

        // The account's secret is still the old one: a code of the new secret is refused, one of the old accepted.
        var withNew = await gateway.CreateTokenAsync(user.User, await Totp.CodeAsync(newSecret, +1));
        Assert.True(withNew.Status == HttpStatusCode.Unauthorized, withNew.ToString());
        var withOld = await gateway.CreateTokenAsync(user.User, await Totp.CodeAsync(user.Secret, +1));
        Assert.True(withOld.Status is HttpStatusCode.OK or HttpStatusCode.Created, withOld.ToString());
        Assert.False(string.IsNullOrEmpty(ticket), start.ToString());
    }

    [Fact]
    public async Task StaleSession_UserWithoutTwoFactor_MustSignInAgainToEnrol()
    {
        var gateway = await GatewayAsync();
        var user = await registry.CreateUserAsync("first");
        using var page = new PageSession(gateway);
        await page.SignInAsync(user);
        await Task.Delay(s_staleAfter);

        var account = await page.GetAsync("/-/gateway/account");
        var start = await page.PostFormAsync("/-/gateway/account/totp/start", new Dictionary<string, string> { ["mode"] = "auth-only" });
        Assert.True(start.Status == HttpStatusCode.Unauthorized, start.ToString());
        Assert.Contains("Sign in again", start.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"secret\"", start.Body, StringComparison.Ordinal);
        var keyOptions = await page.PostJsonAsync("/-/gateway/account/keys/options", "{}");
        Assert.True(keyOptions.Status == HttpStatusCode.Forbidden, keyOptions.ToString());
        Assert.Contains("id=\"step-up-sign-in\"", account.Body, StringComparison.Ordinal); // the page said so

        // The password again: enrolment works, start to finish. (A mode needs a factor first.)
        await page.SignInAsync(user);
        var modeFirst = await page.PostFormAsync("/-/gateway/account/mode", new Dictionary<string, string> { ["mode"] = "auth-only" });
        Assert.True(modeFirst.Status == HttpStatusCode.BadRequest, modeFirst.ToString());
        Assert.Equal("disabled", await ModeAsync(gateway, user));
        var again = await page.PostFormAsync("/-/gateway/account/totp/start", new Dictionary<string, string> { ["mode"] = "auth-only" });
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());
        var confirm = await page.PostFormAsync("/-/gateway/account/totp/confirm",
            new Dictionary<string, string> { ["code"] = await Totp.CodeAsync(SecretShown(again)), ["enrolment"] = PageSession.InputValue(again, "enrolment") ?? "" });
        Assert.True(confirm.Status == HttpStatusCode.OK, confirm.ToString());
        Assert.Contains("id=\"recovery-codes\"", confirm.Body, StringComparison.Ordinal);
        Assert.Equal("auth-only", await ModeAsync(gateway, user));
    }

    private Task<GatewayProcess> GatewayAsync() => classGateway.GetAsync(() =>
        registry.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway__StepUpWindow"] = s_window.ToString("c") }));

    private static void AssertStepUpRefused(HttpAnswer answer)
    {
        Assert.True(answer.Status == HttpStatusCode.Unauthorized, answer.ToString());
        Assert.Matches("Confirm it(&#x27;|')s you first|Sign in again first", answer.Body);
    }

    private static void AssertNotConfirmed(HttpAnswer answer)
    {
        Assert.True(answer.Status == HttpStatusCode.Unauthorized, answer.ToString());
        Assert.DoesNotContain("id=\"recovery-codes\"", answer.Body, StringComparison.Ordinal);
    }

    private static string SecretShown(HttpAnswer page)
    {
        var match = System.Text.RegularExpressions.Regex.Match(page.Body, "id=\"secret\">([A-Z2-7]+)<");
        Assert.True(match.Success, page.ToString());
        return match.Groups[1].Value;
    }

    /// <summary>The mode <c>npm profile get</c> would show (<c>GET /-/npm/v1/user</c> through the gateway).</summary>
    private static async Task<string?> ModeAsync(GatewayProcess gateway, RegistryUser user)
    {
        var profile = await gateway.SendAsync(HttpMethod.Get, "-/npm/v1/user", user.Token);
        Assert.True(profile.Status == HttpStatusCode.OK, profile.ToString());
        return profile.Json?["tfa"] is { } tfa && tfa.GetValueKind() == System.Text.Json.JsonValueKind.Object
            ? tfa["mode"]?.GetValue<string>()
            : "disabled";
    }
}
