using System.Text;
using Gateway.Configuration;
using Gateway.Proxy;

namespace Gateway.Tests.Proxy;

/// <summary>Tarball URLs under the registry's base point at the gateway, however the bytes are split on the way; nothing else changes.</summary>
public sealed class TarballUrlRewriterTests
{
    private static readonly RegistryUris Registry = new(new GatewayOptions
    {
        Upstream = "http://nexus:8081/repository/npm-hosted/",
        PublicUrl = "https://npm.example.com",
    });

    private const string Packument = """
        {"name":"p","readme":"see \"tarball\": http://nexus:8081/repository/npm-hosted/p/-/p-1.0.0.tgz","versions":{
          "1.0.0":{"dist":{"tarball":"http://nexus:8081/repository/npm-hosted/p/-/p-1.0.0.tgz","shasum":"x"}},
          "1.0.1":{"dist":{ "tarball" :	"https://npm.example.com/repository/npm-hosted/p/-/p-1.0.1.tgz"}},
          "1.0.2":{"dist":{"tarball":"http://nexus:8081/repository/npm-hosted-other/p/-/p-1.0.2.tgz"}},
          "1.0.3":{"dist":{"tarball":"http://nexus:8081/repository/npm-hosted"}},
          "1.0.4":{"tarball":"tarball","dist":{"tarball":"http://nexus:8081/repository/npm-hosted/p/-/p-1.0.4.tgz"}}}}
        """;

    private const string Expected = """
        {"name":"p","readme":"see \"tarball\": http://nexus:8081/repository/npm-hosted/p/-/p-1.0.0.tgz","versions":{
          "1.0.0":{"dist":{"tarball":"https://npm.example.com/p/-/p-1.0.0.tgz","shasum":"x"}},
          "1.0.1":{"dist":{ "tarball" :	"https://npm.example.com/p/-/p-1.0.1.tgz"}},
          "1.0.2":{"dist":{"tarball":"http://nexus:8081/repository/npm-hosted-other/p/-/p-1.0.2.tgz"}},
          "1.0.3":{"dist":{"tarball":"http://nexus:8081/repository/npm-hosted"}},
          "1.0.4":{"tarball":"tarball","dist":{"tarball":"https://npm.example.com/p/-/p-1.0.4.tgz"}}}}
        """;

    [Fact]
    public async Task WholeBody_RewritesOnlyTarballValuesUnderTheRegistrysBases() =>
        Assert.Equal(Expected, await RewriteAsync(Packument, chunk: int.MaxValue));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(64)]
    public async Task SplitAnywhere_GivesTheSameBytes(int chunk) =>
        Assert.Equal(Expected, await RewriteAsync(Packument, chunk));

    [Fact]
    public async Task EndingInsideAUrl_WritesWhatItHeld() =>
        Assert.Equal("""{"tarball":"http://nexus:8081/repo""", await RewriteAsync("""{"tarball":"http://nexus:8081/repo""", chunk: 5));

    [Fact]
    public async Task PassThrough_WritesTheBytesUntouched()
    {
        var output = new MemoryStream();
        var stream = new TarballUrlStream(output, Registry.TarballBases!) { PassThrough = true };

        await stream.WriteAsync(Encoding.UTF8.GetBytes(Packument));
        await stream.CompleteAsync(default);

        Assert.Equal(Packument, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void UpstreamAtTheRoot_RewritesNothing() =>
        Assert.Null(new RegistryUris(new GatewayOptions { Upstream = "http://127.0.0.1:4873", PublicUrl = "http://localhost:8080" }).TarballBases);

    /// <summary>
    /// The gateway under a path, the registry at its root: it writes tarball URLs from the Host the gateway sends, without
    /// the gateway's path; those get it, once (one already under it keeps it), however the bytes are split.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(int.MaxValue)]
    public async Task GatewayUnderAPath_PutsTarballUrlsUnderIt_Once(int chunk)
    {
        var bases = new RegistryUris(new GatewayOptions { Upstream = "http://verdaccio:4873/", PublicUrl = "https://tools.example.com/npm/" }).TarballBases!;
        const string packument = """
            {"versions":{"1.0.0":{"dist":{"tarball":"https://tools.example.com/p/-/p-1.0.0.tgz"}},
              "1.0.1":{"dist":{"tarball":"https://tools.example.com/npm/p/-/p-1.0.1.tgz"}},
              "1.0.2":{"dist":{"tarball":"http://verdaccio:4873/p/-/p-1.0.2.tgz"}},
              "1.0.3":{"dist":{"tarball":"https://tools.example.com/np"}}}}
            """;

        Assert.Equal("""
            {"versions":{"1.0.0":{"dist":{"tarball":"https://tools.example.com/npm/p/-/p-1.0.0.tgz"}},
              "1.0.1":{"dist":{"tarball":"https://tools.example.com/npm/p/-/p-1.0.1.tgz"}},
              "1.0.2":{"dist":{"tarball":"https://tools.example.com/npm/p/-/p-1.0.2.tgz"}},
              "1.0.3":{"dist":{"tarball":"https://tools.example.com/npm/np"}}}}
            """, await RewriteAsync(packument, chunk, bases));
    }

    [Theory]
    [InlineData("http://nexus:8081/repository/npm-hosted/", "/-/whoami", "http://nexus:8081/repository/npm-hosted/-/whoami")]
    [InlineData("http://nexus:8081/repository/npm-hosted", "/@s%2Fn?write=true", "http://nexus:8081/repository/npm-hosted/@s%2Fn?write=true")]
    [InlineData("http://127.0.0.1:4873", "/@s%2fn", "http://127.0.0.1:4873/@s%2fn")]
    public void For_PutsTheTargetUnderTheUpstreamsPath_ByteForByte(string upstream, string target, string expected) =>
        Assert.Equal(expected, new RegistryUris(new GatewayOptions { Upstream = upstream, PublicUrl = "http://localhost" }).For(target).OriginalString);

    private static async Task<string> RewriteAsync(string text, int chunk, TarballUrlBases? bases = null)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var output = new MemoryStream();
        var stream = new TarballUrlStream(output, bases ?? Registry.TarballBases!);
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            await stream.WriteAsync(bytes.AsMemory(at, Math.Min(chunk, bytes.Length - at)));
        }

        await stream.CompleteAsync(default);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
