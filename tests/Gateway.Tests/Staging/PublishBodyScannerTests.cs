using System.Security.Cryptography;
using System.Text;
using Gateway.Http;
using Gateway.Staging;

namespace Gateway.Tests.Staging;

/// <summary>
/// The streaming read of a publish document: the tarball's base64 decoded into fixed-size chunks whatever the pieces the
/// body arrives in, the document kept without it, and the tarball put back at <see cref="ScannedBody.DataOffset"/> gives
/// the body that came in.
/// </summary>
public sealed class PublishBodyScannerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65_537)]
    public async Task Scan_AnyPieces_ChunksAreTheTarball_DocumentPlusBase64IsTheBody(int seed)
    {
        var tarball = RandomNumberGenerator.GetBytes(PublishBodyScanner.ChunkSize * 2 + 1234);
        var base64 = Convert.ToBase64String(tarball);
        var body = Body(base64);

        var (scanned, chunks) = await ScanAsync(body, new Random(seed), maxTarball: tarball.Length);

        Assert.Equal(tarball, chunks.SelectMany(c => c).ToArray());
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(PublishBodyScanner.ChunkSize, c.Length));
        Assert.Equal((tarball.Length, 3), (scanned.TarballLength, scanned.Chunks));
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(tarball)), scanned.Sha1Hex);
        Assert.Equal(SHA512.HashData(tarball), scanned.Sha512);
        var document = Encoding.UTF8.GetString(scanned.Document);
        Assert.Equal(body, document.Insert((int)scanned.DataOffset, base64));
    }

    [Fact]
    public async Task Scan_EscapedBase64Characters_ReadAsAParserReadsThem()
    {
        var tarball = RandomNumberGenerator.GetBytes(3000);
        var base64 = Convert.ToBase64String(tarball);
        var escaped = base64.Replace("+", "\\u002B", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal);

        var (scanned, chunks) = await ScanAsync(Body(escaped), new Random(3), maxTarball: tarball.Length);

        Assert.Equal(tarball, chunks.SelectMany(c => c).ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(tarball)), scanned.Sha1Hex);
    }

    [Theory]
    [InlineData("""{"name":"p","_attachments":{"a.tgz":{"data":"AAAA"},"b.sigstore":{"data":"AAAA"}}}""", 400)]
    [InlineData("""{"name":"p","_attachments":{"a.tgz":{"data":"AA*A"}}}""", 400)]
    [InlineData("""{"name":"p","_attachments":{"a.tgz":{"data":"AAAA\n"}}}""", 400)]
    [InlineData("""{"name":"p","_attachments":{"a.tgz":{"data":"AAAAAAAA"}}}""", 413)]
    [InlineData("""{"name":"p","_attachments":{"a.tgz":{"data":"AAAA"}}""", 400)]
    public async Task Scan_RefusedInput_ClientInputWithItsStatus(string body, int status)
    {
        var refused = await Assert.ThrowsAsync<ClientInputException>(() => ScanAsync(body, new Random(1), maxTarball: 4));

        Assert.Equal(status, refused.Status);
    }

    [Fact]
    public async Task Scan_DataElsewhereThanAnAttachment_IsKeptInTheDocument()
    {
        const string body = """{"name":"p","readme":{"data":"AAAA"},"_attachments":{"a.tgz":{"meta":{"data":"AAAA"}}}}""";

        var (scanned, chunks) = await ScanAsync(body, new Random(1), maxTarball: 100);

        Assert.Equal((-1L, 0), (scanned.DataOffset, chunks.Count));
        Assert.Equal(body, Encoding.UTF8.GetString(scanned.Document));
    }

    [Fact]
    public async Task Scan_DocumentOverItsLimit_Is413()
    {
        var body = Body("AAAA").Replace("\"name\":", "\"readme\":\"" + new string('x', 2000) + "\",\"name\":", StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<ClientInputException>(() => ScanAsync(body, new Random(1), maxTarball: 100, maxDocument: 1024));

        Assert.Equal(413, refused.Status);
    }

    private static string Body(string data) =>
        """{"_id":"p","name":"p","versions":{"1.0.0":{"name":"p","version":"1.0.0"}},"_attachments":{"p-1.0.0.tgz":{"content_type":"application/octet-stream","data":""" + "\"" + data + "\"" + ""","length":1}}}""";

    private static async Task<(ScannedBody Scanned, List<byte[]> Chunks)> ScanAsync(string body, Random pieces, long maxTarball, int maxDocument = 1 << 20)
    {
        var chunks = new List<byte[]>();
        using var scanner = new PublishBodyScanner(maxTarball, maxDocument, chunk =>
        {
            chunks.Add(chunk.ToArray());
            return ValueTask.CompletedTask;
        });
        var bytes = Encoding.UTF8.GetBytes(body);
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = Math.Min(bytes.Length - offset, pieces.Next(1, 70_000));
            await scanner.WriteAsync(bytes.AsMemory(offset, length));
            offset += length;
        }

        return (await scanner.FinishAsync(), chunks);
    }
}
