using System.Net;
using Gateway.TwoFactor;
using static Gateway.Tests.Hosting.RegistryBreakerHostTests;

namespace Gateway.Tests.Hosting;

/// <summary>
/// With the default limits (<c>Gateway:Limits</c>), a request the registry (Node, 16 KB) would refuse for its size is
/// answered 431/414 by the gateway itself and never reaches the registry; one just under the limits does, and the
/// registry accepts it with the headers the gateway adds.
/// </summary>
public sealed class RequestLimitsHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task StrangersOversizedRequests_AreRefusedByTheGateway_NothingReachesTheRegistry_OwnerStillPublishes()
    {
        var secret = await host.EnrolAsync("rita");
        using var stranger = LoopbackClients.From("127.0.0.2", host.Client.BaseAddress!);
        var recorded = host.Registry.Requests.Count;

        for (var i = 0; i < 10; i++)
        {
            // A 20 KB credential; then about 24 KB of other headers; then a 4 KB URL.
            using var bigCredential = Publish(Basic("stranger", new string('p', 20 * 1024)));
            Assert.Equal((HttpStatusCode)431, (await stranger.SendAsync(bigCredential)).StatusCode);

            using var manyHeaders = Publish(Basic("stranger", "x"));
            for (var h = 0; h < 12; h++)
            {
                manyHeaders.Headers.TryAddWithoutValidation("x-filler-" + h, new string('h', 2048));
            }

            Assert.Equal((HttpStatusCode)431, (await stranger.SendAsync(manyHeaders)).StatusCode);

            using var longUrl = new HttpRequestMessage(HttpMethod.Get, "/demo-pkg?q=" + new string('u', 4096));
            Assert.Equal(HttpStatusCode.RequestUriTooLong, (await stranger.SendAsync(longUrl)).StatusCode);
        }

        Assert.Equal(0, host.Registry.RefusedForHeaderSize);
        Assert.Equal(recorded, host.Registry.Requests.Count);

        using var publish = Publish(Basic("rita", "rita-password"));
        publish.Headers.Add("npm-otp", TotpCodes.Compute(secret, DateTimeOffset.UtcNow));
        using var response = await host.Client.SendAsync(publish);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task RequestJustUnderTheLimits_ReachesTheRegistry_WhichAcceptsItsSize()
    {
        // Headers just under 12 KB (a 3 KB Basic credential, under the gateway's 4 KB credential cap, and 8 KB of
        // another header) and a request line just under 3 KB: the registry sees them with the gateway's own headers
        // added and must still be under Node's 16 KB.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/demo-pkg?q=" + new string('u', 2900))
        {
            Headers = { Authorization = Basic("reader", new string('p', 3000)) },
        };
        request.Headers.Add("X-Filler", new string('f', 8000));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, host.Registry.RefusedForHeaderSize);
    }
}
