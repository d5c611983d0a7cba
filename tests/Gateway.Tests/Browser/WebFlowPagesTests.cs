using Gateway.Browser;
using Gateway.TwoFactor;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Browser;

/// <summary>
/// The pages npm's web flows open (authorize, login) and the sign-in: what the user reads there comes from other
/// people's requests (user names, package names, actions, targets, flow ids), so every value is HTML-encoded.
/// </summary>
public sealed class WebFlowPagesTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Encoded = "&lt;script&gt;alert(1)&lt;/script&gt;";

    [Fact]
    public async Task Authorize_EncodesUserActionPackageMethodAndTarget()
    {
        var flow = new BrowserFlow("f\"1", FlowKind.Otp, Script, "<img src=x onerror=alert(1)>", "@scope/<b>pkg</b>", false, false, "c",
            new RequestTarget("<PUT>", "/@scope%2f<b>pkg", 10, new string('a', 64)));

        var page = await RenderedPage.ExecuteAsync(PageResults.Page<AuthorizePage>(new { Flow = flow, HasKeys = true, Error = "<wrong>" }, StatusCodes.Status401Unauthorized));

        Assert.Equal(StatusCodes.Status401Unauthorized, page.Status);
        Assert.DoesNotContain(Script, page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", page.Html, StringComparison.Ordinal);
        Assert.Contains($"<strong id=\"flow-user\">{Encoded}</strong> is running <strong id=\"flow-action\">&lt;img src=x onerror=alert(1)&gt;</strong> of <strong id=\"flow-package\">@scope/&lt;b&gt;pkg&lt;/b&gt;</strong>.", page.Html, StringComparison.Ordinal);
        Assert.Contains("<code id=\"flow-method\">&lt;PUT&gt;</code> <code id=\"flow-target\">/@scope%2f&lt;b&gt;pkg</code>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/-/gateway/authorize/f&quot;1\" id=\"authorize\"><p class=\"error\" role=\"alert\">&lt;wrong&gt;</p>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"button\" class=\"use-key\" data-subject=\"flow:f&quot;1\">Use security key</button>", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WithoutPackageOrKeys_ShowsNeither()
    {
        var flow = new BrowserFlow("f1", FlowKind.Otp, "ann", "token-create", null, false, false, "c", new RequestTarget("POST", "/-/npm/v1/tokens", 2, new string('a', 64)));

        var page = await RenderedPage.ExecuteAsync(PageResults.Page<AuthorizePage>(new { Flow = flow, HasKeys = false }));

        Assert.Contains("<strong id=\"flow-action\">token-create</strong>.</p>", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("flow-package", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("use-key", page.Html, StringComparison.Ordinal);
        Assert.Contains("<input name=\"code\"", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPages_PostToTheirFlow_AndAskTheSecondFactorForIt()
    {
        var password = await RenderedPage.ExecuteAsync(PageResults.Page<LoginPage>(new { FlowId = "f<1" }));
        var secondFactor = await RenderedPage.ExecuteAsync(PageResults.Page<LoginSecondFactorPage>(new { FlowId = "f1", HasKeys = true }));
        var done = await RenderedPage.ExecuteAsync(PageResults.Page<LoggedInPage>());

        Assert.Contains("<form method=\"post\" action=\"/-/gateway/login/f&lt;1\" id=\"login\">", password.Html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/-/gateway/login/f1/second-factor\" id=\"login-second-factor\">", secondFactor.Html, StringComparison.Ordinal);
        Assert.Contains("data-subject=\"flow:f1\"", secondFactor.Html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"logged-in\">", done.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInSecondFactor_PostsToItsPendingSignIn()
    {
        var page = await RenderedPage.ExecuteAsync(PageResults.Page<SignInSecondFactorPage>(new { PendingId = "p1", HasKeys = true, Error = "That code is not valid." }));

        Assert.Contains("<form method=\"post\" action=\"/-/gateway/sign-in/p1\" id=\"second-factor\"><p class=\"error\" role=\"alert\">That code is not valid.</p>", page.Html, StringComparison.Ordinal);
        Assert.Contains("data-subject=\"sign-in:p1\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"ceremonyId\">", page.Html, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"credential\">", page.Html, StringComparison.Ordinal);
    }
}
