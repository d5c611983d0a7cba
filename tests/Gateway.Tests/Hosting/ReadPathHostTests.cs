using System.Net;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The read path needs no store: a GET is classified and forwarded, with no identity lookup; the one store
/// lookup a bearer token's record may need (TokenLimitsMiddleware) is skipped with a warning when the store
/// cannot answer. Proven the blunt way: the store is killed, and reads still work. (Its own class: the fixture's
/// store does not come back.)
/// </summary>
public sealed class ReadPathHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task Read_StoreStopped_IsForwardedUntouched()
    {
        host.Redis.Kill();

        using var response = await host.Client.SendAsync(GatewayHost.As("alice", HttpMethod.Get, "/demo-pkg?write=true"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(StubRegistry.Packument, await response.Content.ReadAsByteArrayAsync());
        var forwarded = Assert.Single(host.Registry.Requests, r => r.Method == "GET" && r.RawTarget.StartsWith("/demo-pkg", StringComparison.Ordinal));
        Assert.Equal("/demo-pkg?write=true", forwarded.RawTarget);
        Assert.Equal("Bearer alice-token", forwarded.Headers["Authorization"]);
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget == "/-/whoami");
        // The bearer token's record could not be looked up: forwarded without its limits, and said so.
        Assert.Contains(host.Logs.Entries, e => e.EventId == 211 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }
}
