using Gateway.Browser;
using Gateway.TwoFactor;

namespace Gateway.Tests.Browser;

/// <summary>What the approval page shows of a body comes from the request's author: every value is HTML-encoded.</summary>
public sealed class ApprovalDetailsTests
{
    private static readonly RequestTarget s_publish = new("PUT", "/demo", 1234, new string('a', 64));

    [Fact]
    public void Publish_ValuesFromTheBody_AreEncoded()
    {
        var summary = new ApprovalSummary(true, Name: "<img src=x onerror=alert(1)>",
            Versions: [new VersionSummary("1.0.0\"><script>", Shasum: "<b>", Integrity: "sha512-&")], VersionCount: 1,
            DistTags: [new("</code><script>", "x")], Attachments: ["<i>a.tgz</i>"]);

        var html = ApprovalDetails.Render(Flow("publish", s_publish, summary));

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("1,234", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Deprecation_ShowsMessages_AndUnreadableBody_SaysSo()
    {
        var deprecate = new ApprovalSummary(true, Versions: [new("1.0.0", Deprecated: "<use 2>"), new("1.1.0"), new("1.2.0", Deprecated: "")], VersionCount: 3);

        var html = ApprovalDetails.Render(Flow("deprecate", s_publish, deprecate));
        var unreadable = ApprovalDetails.Render(Flow("publish", s_publish, ApprovalSummary.Unreadable));

        Assert.Contains("<q>&lt;use 2&gt;</q>", html, StringComparison.Ordinal);
        Assert.Contains("<em>not deprecated</em>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("1.1.0", html, StringComparison.Ordinal);
        Assert.Contains("id=\"flow-unreadable\"", unreadable, StringComparison.Ordinal);
    }

    private static BrowserFlow Flow(string action, RequestTarget request, ApprovalSummary summary) =>
        new("flow", FlowKind.Otp, "ann", action, "demo", false, false, "credential", request, summary);
}
