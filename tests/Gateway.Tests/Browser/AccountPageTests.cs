using System.Text.RegularExpressions;
using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Browser;

namespace Gateway.Tests.Browser;

/// <summary>
/// The account page as its view decides: which forms ask a second factor of their own (a stale step-up), what an
/// account without 2FA is offered, and every name (user, key, history) HTML-encoded.
/// </summary>
public sealed partial class AccountPageTests
{
    private static readonly DateTimeOffset s_added = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task UserKeyNamesAndHistory_AreEncoded()
    {
        var html = await RenderAsync(View(fresh: true));

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"username\">&lt;script&gt;alert(1)&lt;/script&gt;</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"key-name\">&lt;img src=x onerror=alert(1)&gt;</td><td>2026-11-27 10:00</td><td>never</td>", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"submit\">Remove &lt;img src=x onerror=alert(1)&gt;</button>", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/-/gateway/account/keys/k&quot;1/remove\" class=\"remove-key\"", html, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"history-event\"><td>2026-11-27 10:00:00</td><td class=\"history-type\">publish</td><td>allowed</td><td>publish</td><td>&lt;b&gt;pkg&lt;/b&gt;</td><td>127.0.0.1</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleStepUp_AsksASecondFactorInEveryChange_AndOffersToConfirm()
    {
        var html = await RenderAsync(View(fresh: false));

        Assert.Contains("<form method=\"post\" action=\"/-/gateway/account/step-up\" id=\"step-up-form\">", html, StringComparison.Ordinal);
        Assert.Contains("from the last 5 minutes.</p>", html, StringComparison.Ordinal);
        // step-up, remove TOTP, remove key, regenerate, mode, a package's staging rule, add a trusted publisher, disable
        Assert.Equal(8, SecondFactor().Count(html));
        Assert.Matches("(?s)<form method=\"post\" action=\"/-/gateway/account/trusted-publishers\" id=\"add-trusted-publisher\">.*?<fieldset class=\"second-factor\">", html);
        Assert.Matches("(?s)<form method=\"post\" action=\"/-/gateway/account/package-staging\" id=\"package-staging\">.*?<fieldset class=\"second-factor\">", html);
        Assert.Contains("id=\"add-key-step-up\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"add-key\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreshStepUp_AsksASecondFactorOnlyToDisable()
    {
        var html = await RenderAsync(View(fresh: true));

        Assert.DoesNotContain("id=\"step-up\"", html, StringComparison.Ordinal);
        Assert.Equal(1, SecondFactor().Count(html));
        Assert.Matches("(?s)<form method=\"post\" action=\"/-/gateway/account/disable\" id=\"disable\">.*<fieldset class=\"second-factor\">", html);
        Assert.Contains("<button type=\"button\" class=\"add-key\">Add security key</button>", html, StringComparison.Ordinal);
        Assert.Contains("<span id=\"recovery-count\">7</span>", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"totp-status\">Configured.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<input type=\"radio\" name=\"mode\" value=\"auth-only\" checked />", html, StringComparison.Ordinal);
        Assert.Contains("<input type=\"radio\" name=\"mode\" value=\"auth-and-writes\" />", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustedPublishers_ListedEncoded_EachWithARemoveForm_IncompleteSaysSo()
    {
        var configuration = new Gateway.TrustedPublishing.TrustConfiguration("id\"1", Gateway.TrustedPublishing.TrustProvider.Github,
            new Dictionary<string, Gateway.TrustedPublishing.ClaimRule> { ["repository"] = new(Exact: "<i>acme/lib"), ["workflow_ref"] = new(File: "publish.yml") },
            [Gateway.TrustedPublishing.TrustConfiguration.CreatePackage, Gateway.TrustedPublishing.TrustConfiguration.CreateStagedPackage]);
        var view = View(fresh: false) with { TrustedPublishers = new TrustedPublisherList([new TrustedPublisherRow("@acme/<lib>", configuration)], Incomplete: true) };

        var html = await RenderAsync(view);

        Assert.Contains("<td class=\"trust-package\">@acme/&lt;lib&gt;</td><td>github</td>", html, StringComparison.Ordinal);
        Assert.Contains("<li><code>repository</code> = &lt;i&gt;acme/lib</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li><code>workflow_ref</code> file publish.yml</li>", html, StringComparison.Ordinal);
        Assert.Contains("<td>publish, stage</td>", html, StringComparison.Ordinal);
        Assert.Matches("(?s)<form method=\"post\" action=\"/-/gateway/account/trusted-publishers/remove\" class=\"remove-trusted-publisher\">.*?"
            + "<input type=\"hidden\" name=\"package\" value=\"@acme/&lt;lib&gt;\" /><input type=\"hidden\" name=\"id\" value=\"id&quot;1\" />.*?<fieldset class=\"second-factor\">", html);
        Assert.Contains("id=\"trusted-publishers-incomplete\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"no-trusted-publishers\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderAPublicPath_EveryFormOfAnAccountWith2fa_PostsUnderIt()
    {
        var configuration = new Gateway.TrustedPublishing.TrustConfiguration("id1", Gateway.TrustedPublishing.TrustProvider.Github,
            new Dictionary<string, Gateway.TrustedPublishing.ClaimRule> { ["repository"] = new(Exact: "acme/lib"), ["workflow_ref"] = new(File: "publish.yml") },
            [Gateway.TrustedPublishing.TrustConfiguration.CreatePackage]);
        var view = View(fresh: false) with { TrustedPublishers = new TrustedPublisherList([new TrustedPublisherRow("lib", configuration)], Incomplete: false) };

        var html = (await RenderedPage.ExecuteAsync(PageResults.Page<AccountPage>(new { View = view, Notice = (string?)null, Error = (string?)null }), "/npm")).Html;

        Assert.Contains("action=\"/npm/-/gateway/account/package-staging\"", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/npm/-/gateway/account/trusted-publishers\"", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/npm/-/gateway/account/trusted-publishers/remove\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("action=\"/-/", html);
    }

    [Fact]
    public async Task WithoutTwoFactor_OffersBothFactorsAndAMode_AndNothingToChange()
    {
        var html = await RenderAsync(new AccountView("hank", TwoFactorMode.Disabled, false, [], 0, false, "5 minutes", []));

        Assert.Contains("<strong id=\"mode\">disabled</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"step-up-sign-in\">", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"totp-status\">Not configured.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"no-keys\">No security keys.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"no-history\">", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(html, "value=\"auth-and-writes\" checked")); // the mode of a first factor, TOTP or key
        Assert.Equal(0, SecondFactor().Count(html));
        Assert.DoesNotContain("id=\"recovery\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"disable\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoticeAndError_AreShownEncoded()
    {
        var html = await RenderAsync(View(fresh: true), notice: "Mode changed to <auth-only>.", error: "<refused>");

        Assert.Contains("<p class=\"notice\" role=\"status\">Mode changed to &lt;auth-only&gt;.</p><p class=\"error\" role=\"alert\">&lt;refused&gt;</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetupAndCodePages_EncodeWhatTheyShow()
    {
        var setup = await RenderedPage.ExecuteAsync(PageResults.Page<TotpSetupPage>(new { QrCode = "data:image/png;base64,AB+/", Secret = "JBSWY3DP", Ticket = "t\"<" }));
        var codes = await RenderedPage.ExecuteAsync(PageResults.Page<RecoveryCodesPage>(new { Title = "New recovery codes", Codes = new[] { "abcd-efgh", "<i>" }, OldCodesRevoked = true }));

        Assert.Contains("<img id=\"qr\" alt=\"QR code of the authenticator secret\" src=\"data:image/png;base64,AB&#x2B;/\" />", setup.Html, StringComparison.Ordinal);
        Assert.Contains("<code class=\"secret\" id=\"secret\">JBSWY3DP</code>", setup.Html, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"enrolment\" value=\"t&quot;&lt;\" />", setup.Html, StringComparison.Ordinal);
        Assert.Contains("<ul class=\"codes\" id=\"recovery-codes\"><li><code>abcd-efgh</code></li><li><code>&lt;i&gt;</code></li></ul>", codes.Html, StringComparison.Ordinal);
        Assert.Contains("The old codes no longer work.", codes.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/-/gateway/account\" id=\"continue\">", codes.Html, StringComparison.Ordinal);
    }

    /// <summary>An account with 2FA (auth-only), TOTP, one key and one history event, its user and names hostile.</summary>
    internal static AccountView View(bool fresh) => new(
        "<script>alert(1)</script>", TwoFactorMode.AuthOnly, true, [new SecurityKeyRow("k\"1", "<img src=x onerror=alert(1)>", s_added, null)], 7, fresh, "5 minutes",
        [new AuditEvent(s_added, "publish", "u", null, "127.0.0.1", "publish", "<b>pkg</b>", "allowed")]);

    private static async Task<string> RenderAsync(AccountView view, string? notice = null, string? error = null) =>
        (await RenderedPage.ExecuteAsync(PageResults.Page<AccountPage>(new { View = view, Notice = notice, Error = error }))).Html;

    [GeneratedRegex("<fieldset class=\"second-factor\">")]
    private static partial Regex SecondFactor();
}
