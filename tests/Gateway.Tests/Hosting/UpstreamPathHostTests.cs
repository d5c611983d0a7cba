using System.Net;
using System.Text.Json;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>A registry under a path (Nexus's <c>/repository/&lt;repo&gt;/</c>), as the gateway at its root forwards to it.</summary>
public sealed class UpstreamPathHostTests(UpstreamPathHostTests.UnderAPath host) : IClassFixture<UpstreamPathHostTests.UnderAPath>
{
    private const string Prefix = "/repository/npm-hosted";

    /// <summary>The gateway in front of a stub registry that answers only under <see cref="Prefix"/>.</summary>
    public sealed class UnderAPath : GatewayHost
    {
        protected override string UpstreamPath => Prefix;
    }

    [Fact]
    public async Task Publish_IsChallengedThenForwardedUnderThePrefix_WithTheRawTargetIntact()
    {
        var secret = await host.EnrolAsync("pia");
        var (type, body) = RawExchange.Json("""{"_id":"@stub/raw-pkg","name":"@stub/raw-pkg","versions":{}}""");
        string[] headers = ["Authorization: Bearer pia-token", type];

        var challenged = await RawExchange.SendAsync(host.Client, RawExchange.Owner, "PUT", "/@stub%2Fraw-pkg", headers, body);
        Assert.Equal(401, challenged.Status);
        Assert.Contains("otp", challenged.Headers["www-authenticate"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(host.Registry.Requests, r => r.Method == "PUT" && r.RawTarget.Contains("raw-pkg", StringComparison.Ordinal));

        var code = "npm-otp: " + TotpCodes.Compute(secret, DateTimeOffset.UtcNow);
        var accepted = await RawExchange.SendAsync(host.Client, RawExchange.Owner, "PUT", "/@stub%2Fraw-pkg", [.. headers, code], body);

        Assert.Equal(201, accepted.Status);
        var put = Assert.Single(host.Registry.Requests, r => r.Method == "PUT" && r.RawTarget.Contains("raw-pkg", StringComparison.Ordinal));
        Assert.Equal(Prefix + "/@stub%2Fraw-pkg", put.RawTarget); // %2F as sent: not decoded, not re-encoded
        Assert.False(put.Headers.ContainsKey("npm-otp"));
    }

    [Fact]
    public async Task EveryCallTheGatewayMakesItself_GoesUnderThePrefix()
    {
        await host.EnrolAsync("quinn"); // the password checked with whoami
        using var profile = await host.Client.SendAsync(GatewayHost.As("quinn", HttpMethod.Get, "/-/npm/v1/user")); // the registry's profile
        using var health = await host.Client.GetAsync("/-/gateway/health"); // the registry's ping

        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var targets = host.Registry.Requests.Select(r => r.RawTarget).ToList();
        Assert.Contains(Prefix + "/-/whoami", targets);
        Assert.Contains(Prefix + "/-/npm/v1/user", targets);
        Assert.Contains(Prefix + "/-/ping", targets);
        Assert.All(targets, t => Assert.StartsWith(Prefix + "/", t, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Packument_TarballUrlsUnderTheRegistrysBase_PointAtTheGateway(string method)
    {
        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/tarball-pkg"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = host.Registry.Requests.Last(r => r.RawTarget == Prefix + "/tarball-pkg");
        Assert.Equal("identity", forwarded.Headers["Accept-Encoding"]); // the URLs can only be found uncompressed
        if (method == "HEAD")
        {
            Assert.Null(response.Content.Headers.ContentLength); // the registry's length is not the rewritten body's
            return;
        }

        var text = await response.Content.ReadAsStringAsync();
        var versions = JsonDocument.Parse(text).RootElement.GetProperty("versions");
        Assert.Equal("http://localhost/tarball-pkg/-/tarball-pkg-1.0.0.tgz", Tarball(versions, "1.0.0")); // the registry's own base
        Assert.Equal("http://localhost/tarball-pkg/-/tarball-pkg-1.0.1.tgz", Tarball(versions, "1.0.1")); // the gateway's Host + the path
        Assert.Equal("https://cdn.example/tarball-pkg/-/tarball-pkg-1.0.2.tgz", Tarball(versions, "1.0.2")); // elsewhere: untouched
        Assert.Contains($"at {host.Registry.Url}{Prefix}/tarball-pkg/-/", JsonDocument.Parse(text).RootElement.GetProperty("readme").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_TarballUrlPointsAtTheGateway()
    {
        using var response = await host.Client.GetAsync("/tarball-pkg/1.0.0");

        var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("http://localhost/tarball-pkg/-/tarball-pkg-1.0.0.tgz", manifest.GetProperty("dist").GetProperty("tarball").GetString());
    }

    [Fact]
    public async Task Packument_CompressedDespiteIdentity_PassesUntouchedAndIsLogged()
    {
        using var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }) { BaseAddress = host.Client.BaseAddress };

        using var response = await client.GetAsync("/gzip-pkg");

        Assert.Equal(host.Registry.GzipPackument, await response.Content.ReadAsByteArrayAsync());
        Assert.Contains(host.Logs.Entries, e => e.EventId == 1500 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Tarball_IsForwardedByteForByte_EvenWhenItLooksLikeAPackument()
    {
        using var response = await host.Client.GetAsync("/tarball-pkg/-/tarball-pkg-1.0.0.tgz");

        Assert.Equal(host.Registry.Tarball, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(host.Registry.Tarball.Length, response.Content.Headers.ContentLength);
    }

    /// <summary>
    /// An attacker's target that tries to climb out of the registry's path: refused by the gateway (dot segments, plain or
    /// encoded, whatever the slash), or forwarded below the prefix with its bytes unchanged, never above it.
    /// </summary>
    [Theory]
    [InlineData("/../-/whoami", 400)]
    [InlineData("/%2e%2e/-/whoami", 400)]
    [InlineData("/%2E%2E/%2e%2E/admin", 400)]
    [InlineData("/..%2f..%2fadmin", 400)]
    [InlineData("/demo-pkg/..%2F..%2F..%2Fadmin", 400)]
    [InlineData("/.%2e/admin", 400)]
    [InlineData("/demo-pkg/%2e", 400)]
    [InlineData("/..\\admin", 400)]
    [InlineData("/%252e%252e/admin", 0)]
    [InlineData("//admin", 0)]
    public async Task TargetClimbingOutOfThePrefix_IsRefusedOrStaysUnderIt(string target, int refusedWith)
    {
        var before = host.Registry.Requests.Count;

        var status = await host.SendRawAsync("GET", target);

        var forwarded = host.Registry.Requests.Skip(before).Select(r => r.RawTarget).ToList();
        if (refusedWith != 0)
        {
            Assert.Equal(refusedWith, status);
            Assert.Empty(forwarded);
            return;
        }

        Assert.Equal(Prefix + target, Assert.Single(forwarded)); // below the prefix, bytes as sent
    }

    private static string? Tarball(JsonElement versions, string version) =>
        versions.GetProperty(version).GetProperty("dist").GetProperty("tarball").GetString();
}
