using System.Text.RegularExpressions;
using Gateway.Browser;
using Gateway.TwoFactor;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Browser;

/// <summary>Every page: one layout, a strict policy (no inline script or style), no caching, its status.</summary>
public sealed partial class PageResultTests
{
    private const string StrictPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    [Fact]
    public async Task PageWithAForm_HasTheStrictPolicyNoStoreAndItsToken()
    {
        var page = await RenderedPage.ExecuteAsync(PageResults.Page<SignInPage>(new { Error = "Wrong username or password." }, StatusCodes.Status401Unauthorized));

        Assert.Equal(StatusCodes.Status401Unauthorized, page.Status);
        Assert.Equal("text/html; charset=utf-8", page.ContentType);
        Assert.Equal(StrictPolicy, page.Headers.ContentSecurityPolicy.ToString());
        Assert.Equal("nosniff", page.Headers.XContentTypeOptions.ToString());
        Assert.Equal("no-referrer", page.Headers["Referrer-Policy"].ToString());
        // Set after the token is taken: the antiforgery's own "no-cache, no-store" does not replace it.
        Assert.Equal("no-store", page.Headers.CacheControl.ToString());
        Assert.Contains(".AspNetCore.Antiforgery.", page.Headers.SetCookie.ToString(), StringComparison.Ordinal);
        Assert.Matches("<form method=\"post\" action=\"/-/gateway/sign-in\" id=\"sign-in\"><p class=\"error\" role=\"alert\">Wrong username or password.</p>\\s*<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"[^\"]+\"", page.Html);
    }

    [Fact]
    public async Task PageWithoutAForm_SetsNoAntiforgeryCookie()
    {
        var page = await RenderedPage.ExecuteAsync(PageResults.Page<ApprovedPage>());

        Assert.Equal(StatusCodes.Status200OK, page.Status);
        Assert.Equal(StrictPolicy, page.Headers.ContentSecurityPolicy.ToString());
        Assert.Equal("", page.Headers.SetCookie.ToString());
        Assert.Contains("<p id=\"approved\">", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layout_UsesTheGatewaysOwnScriptAndStylesheet_AndEncodesTheTitle()
    {
        var page = await RenderedPage.ExecuteAsync(PageResults.ErrorPage("<Expired>", "This request is unknown or has expired.", StatusCodes.Status404NotFound));

        Assert.Equal(StatusCodes.Status404NotFound, page.Status);
        Assert.StartsWith("<!doctype html>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<title>&lt;Expired&gt; · npm 2FA gateway</title>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<h1>&lt;Expired&gt;</h1>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/-/gateway/assets/gateway.css\" />", page.Html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/-/gateway/assets/gateway.js\" defer></script>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"error\" role=\"alert\">This request is unknown or has expired.</p>", page.Html, StringComparison.Ordinal);
    }

    /// <summary>The policy allows only the gateway's own script and stylesheet: no page may carry an inline one.</summary>
    [Theory]
    [MemberData(nameof(EveryPage))]
    public async Task EveryPage_HasNoInlineScriptOrStyle(string name)
    {
        var page = await RenderedPage.ExecuteAsync(Pages()[name]);

        Assert.Equal(StrictPolicy, page.Headers.ContentSecurityPolicy.ToString());
        Assert.Equal(1, Regex.Count(page.Html, "<script"));
        Assert.DoesNotContain("<style", page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(InlineAttribute(), page.Html);
        Assert.Contains("<h1>", page.Html, StringComparison.Ordinal);
    }

    public static TheoryData<string> EveryPage() => [.. Pages().Keys];

    private static Dictionary<string, IResult> Pages()
    {
        var flow = new BrowserFlow("f1", FlowKind.Otp, "ann", "publish", "demo", false, false, "c", new RequestTarget("PUT", "/demo", 10, new string('a', 64)),
            new ApprovalSummary(true, Name: "demo", Versions: [new("1.0.0")], VersionCount: 1));
        return new()
        {
            ["sign-in"] = PageResults.Page<SignInPage>(),
            ["sign-in second factor"] = PageResults.Page<SignInSecondFactorPage>(new { PendingId = "p1", HasKeys = true }),
            ["login"] = PageResults.Page<LoginPage>(new { FlowId = "f1" }),
            ["login second factor"] = PageResults.Page<LoginSecondFactorPage>(new { FlowId = "f1", HasKeys = true }),
            ["logged in"] = PageResults.Page<LoggedInPage>(),
            ["authorize"] = PageResults.Page<AuthorizePage>(new { Flow = flow, HasKeys = true }),
            ["approved"] = PageResults.Page<ApprovedPage>(),
            ["account"] = PageResults.Page<AccountPage>(new { View = AccountPageTests.View(fresh: false) }),
            ["totp setup"] = PageResults.Page<TotpSetupPage>(new { QrCode = "data:image/png;base64,AAAA", Secret = "JBSWY3DP", Ticket = "t" }),
            ["recovery codes"] = PageResults.Page<RecoveryCodesPage>(new { Title = "New recovery codes", Codes = new[] { "a-b" }, OldCodesRevoked = true }),
            ["error"] = PageResults.ErrorPage("Expired", "Run the npm command again.", StatusCodes.Status404NotFound),
        };
    }

    /// <summary>An inline style or event handler attribute (<c>style=</c>, <c>onclick=</c>, …).</summary>
    [GeneratedRegex(@"<[^>]*\s(style|on[a-z]+)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineAttribute();
}
