using Gateway.Policy;

namespace Gateway.Tests.Policy;

public sealed class RequestPathTests
{
    [Theory]
    [InlineData("/@acme%2fwidget")]
    [InlineData("/@acme%2Fwidget")]
    [InlineData("/%40acme%2Fwidget")]
    [InlineData("/%40acme%2fwidget")]
    [InlineData("/@acme/widget")]
    [InlineData("/@acme/widget/")]
    [InlineData("//@acme//widget//")]
    [InlineData("/@acme%2fwidget?write=true")]
    [InlineData("/@acme%2fwidget#fragment")]
    [InlineData("/@acme%2fwidget?x=/y/z#f")]
    public void Parse_ScopedNameSpelling_GivesScopeAndNameSegments(string raw)
    {
        var path = RequestPath.Parse(raw);

        Assert.Equal(["@acme", "widget"], path.Segments);
        Assert.False(path.HasDotSegments);
    }

    [Fact]
    public void Parse_DoubleEncodedSlash_DecodesOnceIntoOneSegment()
    {
        var path = RequestPath.Parse("/@acme%252fwidget");

        Assert.Equal(["@acme%2fwidget"], path.Segments);
    }

    [Fact]
    public void Parse_DoubleEncodedAt_DecodesOnce()
    {
        var path = RequestPath.Parse("/%2540acme%2fwidget");

        Assert.Equal(["%40acme", "widget"], path.Segments);
    }

    [Theory]
    [InlineData("/a/./b", new[] { "a", "b" })]
    [InlineData("/a/../b", new[] { "b" })]
    [InlineData("/a/%2e%2e/b", new[] { "b" })]
    [InlineData("/a/%2E%2E/b", new[] { "b" })]
    [InlineData("/a/%2e/b", new[] { "a", "b" })]
    [InlineData("/a%2f..%2fb", new[] { "b" })]
    [InlineData("/../../etc", new[] { "etc" })]
    [InlineData("/a/.%2e/b", new[] { "b" })]
    public void Parse_DotSegment_SetsHasDotSegments(string raw, string[] segments)
    {
        var path = RequestPath.Parse(raw);

        Assert.True(path.HasDotSegments);
        Assert.Equal(segments, path.Segments);
    }

    [Theory]
    [InlineData("/a/...b")]
    [InlineData("/demo-pkg/-/demo-pkg-1.0.0.tgz")]
    [InlineData("/.npmrc")]
    public void Parse_DotsInsideASegment_AreNotDotSegments(string raw)
    {
        Assert.False(RequestPath.Parse(raw).HasDotSegments);
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("/", new string[0])]
    [InlineData("///", new string[0])]
    [InlineData("/a//b", new[] { "a", "b" })]
    [InlineData("/a/b/", new[] { "a", "b" })]
    [InlineData("/a%2f%2fb", new[] { "a", "b" })]
    [InlineData("/?a/b", new string[0])]
    [InlineData("/a?b#c/d", new[] { "a" })]
    [InlineData("/a#b?c", new[] { "a" })]
    public void Parse_EmptySegmentsQueryAndFragment_AreDropped(string raw, string[] segments)
    {
        Assert.Equal(segments, RequestPath.Parse(raw).Segments);
    }

    [Fact]
    public void Parse_PercentEncodedColon_Decodes()
    {
        Assert.Equal(["-", "user", "org.couchdb.user:alice"], RequestPath.Parse("/-/user/org.couchdb.user%3Aalice").Segments);
    }

    [Fact]
    public void Parse_EncodedQuestionMark_StaysInThePath()
    {
        Assert.Equal(["a?b"], RequestPath.Parse("/a%3Fb").Segments);
    }

    [Fact]
    public void ToString_NormalisedPath_JoinsSegments()
    {
        Assert.Equal("/@acme/widget/-rev/1-a", RequestPath.Parse("/%40acme%2Fwidget//-rev/1-a/?q").ToString());
    }
}
