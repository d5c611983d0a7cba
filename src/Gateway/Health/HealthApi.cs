using System.Diagnostics;
using Gateway.Http;
using Gateway.Proxy;
using Gateway.Store;

namespace Gateway.Health;

/// <summary><c>GET /-/gateway/health</c>: can the gateway reach the upstream registry and its store?</summary>
internal static class HealthApi
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(GatewayUrls.Health, CheckAsync);
        return endpoints;
    }

    private static async Task<IResult> CheckAsync(IHttpClientFactory clients, RegistryUris registry, StoreProbe store, CancellationToken cancellation)
    {
        var upstream = ProbeUpstreamAsync(clients, registry, cancellation);
        var storeProbe = ProbeStoreAsync(store);
        var (upstreamOk, upstreamMs, upstreamError) = await upstream;
        var (storeOk, storeMs, storeError) = await storeProbe;
        var body = new
        {
            status = upstreamOk && storeOk ? "healthy" : "unhealthy",
            upstream = new { ok = upstreamOk, ms = upstreamMs, error = upstreamError },
            store = new { ok = storeOk, ms = storeMs, error = storeError },
        };
        return Results.Json(body, statusCode: upstreamOk && storeOk ? 200 : 503);
    }

    private static async Task<(bool, double, string?)> ProbeUpstreamAsync(IHttpClientFactory clients, RegistryUris registry, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(ProbeTimeout);
            using var response = await clients.CreateClient(UpstreamClient.Name).GetAsync(registry.For("/-/ping"), timeout.Token);
            return ((int)response.StatusCode < 500, Elapsed(started), (int)response.StatusCode < 500 ? null : $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return (false, Elapsed(started), e.GetType().Name);
        }
    }

    private static async Task<(bool, double, string?)> ProbeStoreAsync(StoreProbe store)
    {
        var started = Stopwatch.GetTimestamp();
        var error = await store.PingAsync(ProbeTimeout);
        return (error is null, Elapsed(started), error);
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
}
