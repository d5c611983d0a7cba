using Gateway.Policy;

namespace Gateway.Tests.Policy;

public sealed class PathTemplateTests
{
    [Theory]
    [InlineData("", "must start with '/'")]
    [InlineData("  ", "must start with '/'")]
    [InlineData("{package}", "must start with '/'")]
    [InlineData("-/whoami", "must start with '/'")]
    [InlineData("/{package}/{package}", "names {package} more than once")]
    [InlineData("/{package}/-/x/{package}", "names {package} more than once")]
    [InlineData("/{*rest}/x", "catch-all must be a whole, final segment")]
    [InlineData("/x/{*rest}/-rev/{rev}", "catch-all must be a whole, final segment")]
    [InlineData("/a{*rest}", "catch-all must be a whole, final segment")]
    [InlineData("/x{package}", "cannot prefix {package}")]
    [InlineData("/org.couchdb.user:{package}", "cannot prefix {package}")]
    [InlineData("/{package", "must end with one '{name}' parameter")]
    [InlineData("/{pack{age}", "must end with one '{name}' parameter")]
    [InlineData("/{a}{b}", "must end with one '{name}' parameter")]
    [InlineData("/{}", "must end with one '{name}' parameter")]
    [InlineData("/{tag}x", "must end with one '{name}' parameter")]
    [InlineData("/package}", "has '}' without '{'")]
    [InlineData("/-/user/token}/x", "has '}' without '{'")]
    public void TryParse_MalformedTemplate_ReturnsNullWithReason(string text, string reason)
    {
        var template = PathTemplate.TryParse(text, out var error);

        Assert.Null(template);
        Assert.NotNull(error);
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("/{package}")]
    [InlineData("/{package}/-/{*tarball}")]
    [InlineData("/-/user/org.couchdb.user:{user}/-rev/{rev}")]
    [InlineData("/-/package/{package}/collaborators/{*rest}")]
    [InlineData("/")]
    public void TryParse_ValidTemplate_KeepsText(string text)
    {
        var template = PathTemplate.TryParse(text, out var error);

        Assert.NotNull(template);
        Assert.Null(error);
        Assert.Equal(text, template.ToString());
    }

    [Theory]
    [InlineData("/{package}", "demo-pkg", true, "demo-pkg")]
    [InlineData("/{package}", "@acme/widget", true, "@acme/widget")]
    [InlineData("/{package}", "@acme", false, null)]
    [InlineData("/{package}", "@/widget", false, null)]
    [InlineData("/{package}", "-", false, null)]
    [InlineData("/{package}", "@acme/-", false, null)]
    [InlineData("/{package}", "", false, null)]
    [InlineData("/{package}", "a/b", false, null)]
    [InlineData("/{package}/{tag}", "@acme/widget/beta", true, "@acme/widget")]
    [InlineData("/{package}/{tag}", "demo-pkg/beta", true, "demo-pkg")]
    [InlineData("/{package}/{tag}", "-/whatever", false, null)]
    [InlineData("/{package}/{tag}", "@acme/widget", false, null)]
    [InlineData("/-/package/{package}/dist-tags", "-/package/@acme/widget/dist-tags", true, "@acme/widget")]
    [InlineData("/-/package/{package}/dist-tags", "-/package/-/dist-tags", false, null)]
    [InlineData("/-/user/org.couchdb.user:{user}", "-/user/org.couchdb.user:bob", true, null)]
    [InlineData("/-/user/org.couchdb.user:{user}", "-/user/org.couchdb.user:", false, null)]
    [InlineData("/-/user/org.couchdb.user:{user}", "-/user/bob", false, null)]
    [InlineData("/-/user/org.couchdb.user:{user}", "-/user/ORG.COUCHDB.USER:bob", true, null)]
    [InlineData("/{package}/-/{*tarball}", "demo-pkg/-", false, null)]
    [InlineData("/{package}/-/{*tarball}", "demo-pkg/-/demo-pkg-1.0.0.tgz", true, "demo-pkg")]
    [InlineData("/{package}/-/{*tarball}", "@acme/widget/-/@acme/widget-1.0.0.tgz/-rev/9-a", true, "@acme/widget")]
    [InlineData("/{package}/-rev/{rev}", "demo-pkg/-rev", false, null)]
    [InlineData("/{package}/-rev/{rev}", "demo-pkg/-rev/1-a/x", false, null)]
    [InlineData("/{package}/-rev/{rev}", "demo-pkg/-REV/1-a", true, "demo-pkg")]
    [InlineData("/-/whoami", "-/whoami", true, null)]
    [InlineData("/-/whoami", "-/whoami/x", false, null)]
    [InlineData("/-/whoami", "-", false, null)]
    [InlineData("/", "", true, null)]
    public void TryMatch_Segments_MatchesAndNamesPackage(string template, string segments, bool matches, string? package)
    {
        var parsed = PathTemplate.TryParse(template, out _)!;
        var path = segments.Length == 0 ? [] : segments.Split('/');

        var matched = parsed.TryMatch(path, out var matchedPackage);

        Assert.Equal(matches, matched);
        if (matches)
        {
            Assert.Equal(package, matchedPackage);
        }
    }
}
