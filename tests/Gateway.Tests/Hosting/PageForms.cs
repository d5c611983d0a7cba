using System.Net;
using System.Text.RegularExpressions;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>What a browser does on the gateway's pages, for host tests: sign in with password and code, and post a
/// page's form with the antiforgery token that page carries.</summary>
internal static partial class PageForms
{
    /// <summary>A browser of its own, signed in as <paramref name="user"/> (the stub registry's password) with a code of <paramref name="secret"/>.</summary>
    public static async Task<HttpClient> SignedInAsync(GatewayHost host, string user, byte[] secret)
    {
        var browser = host.NewBrowser();
        var signIn = await browser.GetStringAsync("/-/gateway/sign-in");
        using var password = await PostAsync(browser, "/-/gateway/sign-in", signIn, new() { ["username"] = user, ["password"] = user + "-password" });
        var secondFactor = await password.Content.ReadAsStringAsync();
        using var code = await PostAsync(browser, SecondFactorAction().Match(secondFactor).Groups[1].Value, secondFactor,
            new() { ["code"] = TotpCodes.Compute(secret, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        return browser;
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="action"/> with the antiforgery token of <paramref name="page"/>.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient browser, string action, string page, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = AntiforgeryToken(page);
        return browser.PostAsync(WebUtility.HtmlDecode(action), new FormUrlEncodedContent(fields));
    }

    public static string AntiforgeryToken(string page) => WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\" id=\"second-factor\"")]
    private static partial Regex SecondFactorAction();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
