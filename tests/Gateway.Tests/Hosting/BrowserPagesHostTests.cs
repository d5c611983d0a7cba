using System.Net;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Hosting;

/// <summary>The browser front end in process: sessions need the password, and the second factor when the account has one.</summary>
public sealed partial class BrowserPagesHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task Account_WithoutSession_RedirectsToSignIn()
    {
        using var browser = host.NewBrowser();

        using var response = await browser.GetAsync("/-/gateway/account/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/-/gateway/sign-in", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task SignIn_WrongPassword_IsRefusedWithoutASession()
    {
        using var browser = host.NewBrowser();

        using var response = await SignInAsync(browser, "gina", "not-her-password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong username or password.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/-/gateway/account/")).StatusCode);
        // gina has no 2FA record: the refusal goes to the shared trail, and nothing is kept under her name.
        var audit = string.Join("\n", await RespProbe.SendAsync(host.Redis.Port, ["LINDEX", "gw:audit", "0"]));
        Assert.Contains("\"type\":\"sign-in-refused\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"user\":\"gina\"", audit, StringComparison.Ordinal);
        Assert.Contains(":0", await RespProbe.SendAsync(host.Redis.Port, ["EXISTS", "gw:user:{gina}:audit"]));
        Assert.Contains("\"action\":\"account\"", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("not-her-password", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_PasswordOfAccountWithout2fa_OpensTheAccountPage()
    {
        using var browser = host.NewBrowser();

        using var response = await SignInAsync(browser, "hank", "hank-password");
        using var account = await browser.GetAsync("/-/gateway/account/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Contains("<strong id=\"username\">hank</strong>", await account.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_PasswordAloneOfAccountWith2fa_AsksForTheSecondFactorAndOpensNoSession()
    {
        await host.EnrolAsync("ivy");
        using var browser = host.NewBrowser();

        using var response = await SignInAsync(browser, "ivy", "ivy-password");
        using var account = await browser.GetAsync("/-/gateway/account/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("name=\"code\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
    }

    [Fact]
    public async Task Account_ShowsTheSignedInUsersSecurityHistoryOnly()
    {
        // npm profile enable-2fa, started and not confirmed: the account keeps a password-only sign-in.
        using var start = await host.Client.SendAsync(GatewayHost.As("hilda", HttpMethod.Post, "/-/npm/v1/user",
            "{\"tfa\":{\"mode\":\"auth-only\",\"password\":\"hilda-password\"}}"));
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        await host.EnrolAsync("otto");
        using var browser = host.NewBrowser();

        using var signIn = await SignInAsync(browser, "hilda", "hilda-password");
        var page = await (await browser.GetAsync("/-/gateway/account/")).Content.ReadAsStringAsync();

        Assert.Contains("<section id=\"history\">", page, StringComparison.Ordinal);
        var types = HistoryType().Matches(page).Select(m => m.Groups[1].Value).ToList();
        // Newest first: this sign-in (password alone: the enrolment is pending), then the enrolment npm started.
        Assert.Equal(["signed-in", "enrolment-started"], types);
        Assert.Contains("<td>auth-only</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_CarryAStrictContentSecurityPolicy()
    {
        using var browser = host.NewBrowser();

        using var response = await browser.GetAsync("/-/gateway/sign-in");

        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string user, string password)
    {
        var form = await (await browser.GetAsync("/-/gateway/sign-in")).Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        Assert.NotEmpty(token);
        return await browser.PostAsync("/-/gateway/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["username"] = user,
            ["password"] = password,
        }));
    }

    [GeneratedRegex("<td class=\"history-type\">([^<]+)</td>")]
    private static partial Regex HistoryType();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
