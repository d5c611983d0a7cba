using System.Text.RegularExpressions;
using Gateway.Browser;

namespace Gateway.Tests.Browser;

/// <summary>
/// The "Staged releases" page as its view decides: what it shows of a release (every name HTML-encoded: stagers, package
/// names and file names come from other people's requests), which forms ask a second factor of their own, and what an
/// account without 2FA is told.
/// </summary>
public sealed partial class StagedPageTests
{
    private static readonly StagedRelease s_release = new(
        "0b7c4a9e-1d2f-4e5a-8b6c-7d8e9f0a1b2c", "<i>pkg</i>", "1.2.3", "next", "<b>sam</b>", new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), 123_456,
        "da39a3ee5e6b4b0d3255bfef95601890afd80709", ["package/package.json", "package/<script>alert(1)</script>.js"], FilesComplete: false, FilesUnreadable: false);

    [Fact]
    public async Task Release_ShowsWhatItIs_AndItsFiles_Encoded()
    {
        var html = await RenderAsync(new StagedView("ann", true, false, true, "5 minutes", [s_release]));

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);
        Assert.Contains("<code class=\"package\">&lt;i&gt;pkg&lt;/i&gt;</code>@<code class=\"version\">1.2.3</code>", html, StringComparison.Ordinal);
        Assert.Contains("<dd class=\"actor\">&lt;b&gt;sam&lt;/b&gt;</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd class=\"staged-at\">2026-12-01 09:30:00</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd class=\"size\">123,456 bytes</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<code class=\"tag\">next</code>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"file\">package/&lt;script&gt;alert(1)&lt;/script&gt;.js</li>", html, StringComparison.Ordinal);
        Assert.Contains("class=\"files-cut\"", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"/-/gateway/staged/{s_release.Id}/approve\" class=\"approve\"", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"/-/gateway/staged/{s_release.Id}/reject\" class=\"reject\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 2)] // approve and reject each ask for one
    [InlineData(true, 0)]
    public async Task SecondFactorFields_OnlyWhileTheStepUpIsStale(bool fresh, int fieldsets)
    {
        var html = await RenderAsync(new StagedView("ann", true, true, fresh, "5 minutes", [s_release]));

        Assert.Equal(fieldsets, SecondFactor().Count(html));
        Assert.Equal(fieldsets, Regex.Count(html, "class=\"use-key\" data-subject=\"session\""));
    }

    [Fact]
    public async Task WithoutTwoFactor_SaysToEnableIt_AndOffersNoForm()
    {
        var html = await RenderAsync(new StagedView("ann", false, false, false, "5 minutes", [s_release with { FilesComplete = true }]));

        Assert.Contains("id=\"enable-2fa\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"files-cut\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingStaged_SaysSo()
    {
        var html = await RenderAsync(new StagedView("ann", true, false, false, "5 minutes", []));

        Assert.Contains("<p id=\"no-staged\">", html, StringComparison.Ordinal);
    }

    private static async Task<string> RenderAsync(StagedView view) =>
        (await RenderedPage.ExecuteAsync(PageResults.Page<StagedPage>(new { View = view, Notice = (string?)null, Error = (string?)null }))).Html;

    [GeneratedRegex("<fieldset class=\"second-factor\">")]
    private static partial Regex SecondFactor();
}
