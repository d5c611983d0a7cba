using Gateway.Browser;
using Gateway.TwoFactor;

namespace Gateway.Tests.Browser;

/// <summary>What the approval page shows of a body comes from the request's author: every value is HTML-encoded.</summary>
public sealed class ApprovalDetailsTests
{
    private static readonly RequestTarget s_publish = new("PUT", "/demo", 1234, new string('a', 64));

    [Fact]
    public async Task Publish_ValuesFromTheBody_AreEncoded()
    {
        var summary = new ApprovalSummary(true, Name: "<img src=x onerror=alert(1)>",
            Versions: [new VersionSummary("1.0.0\"><script>", Shasum: "<b>", Integrity: "sha512-&")], VersionCount: 1,
            DistTags: [new("</code><script>", "x")], Attachments: ["<i>a.tgz</i>"]);

        var html = await RenderAsync(Flow("publish", s_publish, summary));

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"flow-name\"><code>&lt;img src=x onerror=alert(1)&gt;</code></dd>", html, StringComparison.Ordinal);
        Assert.Contains("<code class=\"shasum\">&lt;b&gt;</code> integrity <code class=\"integrity\">sha512-&amp;</code>", html, StringComparison.Ordinal);
        Assert.Contains("<span id=\"flow-body-length\">1,234</span>", html, StringComparison.Ordinal);
        Assert.Contains($"<code id=\"flow-body-sha256\">{new string('a', 64)}</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deprecation_ShowsMessages_AndUnreadableBody_SaysSo()
    {
        var deprecate = new ApprovalSummary(true, Versions: [new("1.0.0", Deprecated: "<use 2>"), new("1.1.0"), new("1.2.0", Deprecated: "")], VersionCount: 3);

        var html = await RenderAsync(Flow("deprecate", s_publish, deprecate));
        var unreadable = await RenderAsync(Flow("publish", s_publish, ApprovalSummary.Unreadable));

        Assert.Contains("<code class=\"version\">1.0.0</code>: <q>&lt;use 2&gt;</q>", html, StringComparison.Ordinal);
        Assert.Contains("<code class=\"version\">1.2.0</code>: <em>not deprecated</em>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("1.1.0", html, StringComparison.Ordinal);
        Assert.Contains("id=\"flow-unreadable\"", unreadable, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"flow-details\"", unreadable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_ListsTagsAndCountsTheVersionsItDoesNotList()
    {
        var summary = new ApprovalSummary(true, Name: "demo", Versions: [new("1.0.1")], VersionCount: 3, DistTags: [new("latest", "1.0.1")]);

        var html = await RenderAsync(Flow("publish", s_publish, summary));

        Assert.Contains("<code class=\"tag\">latest</code> → <code class=\"tag-version\">1.0.1</code>", html, StringComparison.Ordinal);
        Assert.Contains("<p>and 2 more versions</p>", html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"flow-attachments\"><em>none</em></dd>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dist-tag-add", "/-/package/demo/dist-tags/be%3Cta", "<dd id=\"flow-tag\"><code>be&lt;ta</code></dd><dt>Version</dt><dd id=\"flow-tag-version\"><code>2.0.0</code></dd>")]
    [InlineData("dist-tag-rm", "/-/package/demo/dist-tags/beta", "<dd id=\"flow-tag\"><code>beta</code></dd></dl>")]
    public async Task DistTag_ShowsTheDecodedTagAndTheVersionItSets(string action, string target, string expected)
    {
        var html = await RenderAsync(Flow(action, new RequestTarget("PUT", target, 7, new string('b', 64)), new ApprovalSummary(true, Value: "2.0.0")));

        Assert.Contains(expected, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unpublish_ShowsWhatRemains_Owner_ShowsTheMaintainers()
    {
        var remain = new ApprovalSummary(true, Versions: [new("1.0.0")], VersionCount: 1, DistTags: [new("latest", "1.0.0")]);
        var owners = new ApprovalSummary(true, Maintainers: ["<ann>", "bob"]);

        var unpublish = await RenderAsync(Flow("unpublish", s_publish, remain));
        var owner = await RenderAsync(Flow("owner", s_publish, owners));

        Assert.Contains("<dd id=\"flow-versions\"><ul><li><code class=\"version\">1.0.0</code></li></ul></dd>", unpublish, StringComparison.Ordinal);
        Assert.Contains("The version missing from this list is removed", unpublish, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"flow-maintainers\"><ul><li><code>&lt;ann&gt;</code></li><li><code>bob</code></li></ul></dd>", owner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoBody_SaysSo_AndAFlowWithoutRequest_ShowsNothing()
    {
        var empty = await RenderAsync(Flow("dist-tag-rm", new RequestTarget("DELETE", "/-/package/demo/dist-tags/beta", 0, new string('c', 64)), new ApprovalSummary(true)));
        var none = await RenderAsync(new BrowserFlow("flow", FlowKind.Otp, "ann", "publish", "demo", false, false));

        Assert.Contains("<p id=\"flow-no-body\">No body.</p>", empty, StringComparison.Ordinal);
        Assert.Equal("", none.Trim());
    }

    private static Task<string> RenderAsync(BrowserFlow flow) =>
        RenderedPage.RenderAsync<ApprovalDetails>(new Dictionary<string, object?> { [nameof(ApprovalDetails.Flow)] = flow });

    private static BrowserFlow Flow(string action, RequestTarget request, ApprovalSummary summary) =>
        new("flow", FlowKind.Otp, "ann", action, "demo", false, false, "credential", request, summary);
}
