using System.Security.Cryptography;
using System.Text;
using Gateway.TwoFactor;

namespace Gateway.Tests.TwoFactor;

/// <summary>
/// What an approval page shows of a body is read with a fixed window: an attachment far larger than the
/// window is skipped, never held, and the versions, dist-tags and shasums around it are still found.
/// </summary>
public sealed class ApprovalSummaryReaderTests
{
    private const int Window = 1024;

    [Fact]
    public async Task Publish_AttachmentLargerThanTheWindow_VersionsShasumIntegrityAndTagsAreRead()
    {
        var data = Convert.ToBase64String(RandomNumberGenerator.GetBytes(200_000));
        var head = """{"_id":"demo","name":"demo","description":"x","dist-tags":{"latest":"1.1.0","next":"1.1.0"},"versions":{"1.1.0":{"name":"demo","version":"1.1.0","readme":""";
        var dist = ""","dist":{"shasum":"abc123","integrity":"sha512-xyz","tarball":"http://r/demo/-/demo-1.1.0.tgz"}}},"access":null,"_attachments":{"demo-1.1.0.tgz":{"content_type":"application/octet-stream","data":""";
        var body = head + Quoted(new string('r', 5000)) + dist + Quoted(data) + ""","length":200000}}}""";

        var summary = await ReadAsync(body);

        Assert.True(summary.Readable);
        Assert.Equal("demo", summary.Name);
        var version = Assert.Single(summary.Versions!);
        Assert.Equal(new VersionSummary("1.1.0", "abc123", "sha512-xyz"), version);
        Assert.Equal([new("latest", "1.1.0"), new("next", "1.1.0")], summary.DistTags!);
        Assert.Equal(["demo-1.1.0.tgz"], summary.Attachments!);
        Assert.False(summary.Elided); // the long readme and data are not values the page shows
    }

    [Fact]
    public async Task ShownValueLongerThanTheWindow_IsMarkedNotShown()
    {
        var summary = await ReadAsync("""{"name":"demo","versions":{"1.0.0":{"dist":{"shasum":""" + "\"" + new string('a', 3000) + "\"}}}}");

        Assert.True(summary.Elided);
        Assert.Equal("(too long to show)", summary.Versions![0].Shasum);
    }

    [Fact]
    public async Task ManyVersions_FirstFewKept_AllCounted_DeprecationsRead()
    {
        var versions = string.Join(",", Enumerable.Range(0, 50).Select(i => $$$"""
            "1.0.{{{i}}}":{"version":"1.0.{{{i}}}"{{{(i == 3 ? ",\"deprecated\":\"use 2.x\"" : "")}}}}
            """));

        var summary = await ReadAsync($$$"""{"name":"demo","versions":{{{{versions}}}},"_attachments":{}}""");

        Assert.Equal(50, summary.VersionCount);
        Assert.Equal(ApprovalSummary.MaxEntries, summary.Versions!.Count);
        Assert.Equal("use 2.x", summary.Versions.Single(v => v.Version == "1.0.3").Deprecated);
    }

    [Theory]
    [InlineData("\"1.2.0\"", "1.2.0")] // npm dist-tag add: a JSON string
    [InlineData("{\"_id\":\"demo\",\"_rev\":\"3-a\",\"maintainers\":[{\"name\":\"ann\"},{\"name\":\"bob\"}]}", null)]
    public async Task DistTagValueAndMaintainers(string body, string? value)
    {
        var summary = await ReadAsync(body);

        Assert.Equal(value, summary.Value);
        if (value is null)
        {
            Assert.Equal(["ann", "bob"], summary.Maintainers!);
        }
    }

    [Theory]
    [InlineData("{\"name\":")] // cut short
    [InlineData("not json")]
    [InlineData("{\"versions\":{\"x\\ud800\":{}}}")] // a key that is not valid Unicode
    public async Task NotReadableAsTheRegistryWould_Unreadable(string body)
    {
        Assert.False((await ReadAsync(body)).Readable);
    }

    [Fact]
    public async Task KeyLongerThanTheWindow_Unreadable()
    {
        Assert.False((await ReadAsync("{\"versions\":{\"" + new string('1', 3000) + "\":{}}}")).Readable);
    }

    private static string Quoted(string text) => "\"" + text + "\"";

    private static Task<ApprovalSummary> ReadAsync(string body) =>
        ApprovalSummaryReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), default, Window);
}
