using System.Net;
using System.Net.Sockets;
using Gateway.Limits;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Hosting;

/// <summary>
/// One address cannot hold every connection (<c>Gateway:Limits:MaxConnectionsPerAddress</c>, here 3), and
/// <c>X-Forwarded-For</c> names the client only when a trusted proxy (<c>Gateway:TrustedProxies</c>, here
/// 127.0.0.3) sends it. The stranger is 127.0.0.2, the owner 127.0.0.1.
/// </summary>
public sealed class ClientAddressHostTests(ClientAddressHostTests.LimitedHost host) : IClassFixture<ClientAddressHostTests.LimitedHost>
{
    private const string Stranger = "127.0.0.2";
    private const string Proxy = "127.0.0.3";

    public sealed class LimitedHost : GatewayHost
    {
        protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string>
        {
            ["Gateway:Limits:MaxConnectionsPerAddress"] = "3",
            ["Gateway:TrustedProxies"] = Proxy,
        };
    }

    private Uri Gateway => host.Client.BaseAddress!;

    [Fact]
    public async Task StrangerBeyondItsConnectionLimit_IsRefused_OtherAddressesStillAnswered_ReleasedOnClose()
    {
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await LoopbackClients.ConnectAsync(Stranger, Gateway));
                Assert.Equal(200, await LoopbackClients.PingAsync(held[^1], Gateway));
            }

            for (var i = 0; i < 5; i++)
            {
                using var refused = await LoopbackClients.ConnectAsync(Stranger, Gateway);
                Assert.Null(await LoopbackClients.PingAsync(refused, Gateway));
            }

            for (var i = 0; i < 5; i++)
            {
                using var owner = await LoopbackClients.ConnectAsync("127.0.0.1", Gateway);
                Assert.Equal(200, await LoopbackClients.PingAsync(owner, Gateway));
            }

            // The held connections still work, and closing one frees a place.
            Assert.Equal(200, await LoopbackClients.PingAsync(held[0], Gateway));
            held[0].Dispose();
            held.RemoveAt(0);
            var limit = host.Services.GetRequiredService<AddressConnectionLimit>();
            for (var wait = 0; wait < 100 && limit.OpenFrom(IPAddress.Parse(Stranger)) > 2; wait++)
            {
                await Task.Delay(50);
            }

            held.Add(await LoopbackClients.ConnectAsync(Stranger, Gateway));
            Assert.Equal(200, await LoopbackClients.PingAsync(held[^1], Gateway));
        }
        finally
        {
            held.ForEach(connection => connection.Dispose());
        }
    }

    [Fact]
    public async Task TrustedProxy_IsExemptFromThePerAddressLimit()
    {
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                held.Add(await LoopbackClients.ConnectAsync(Proxy, Gateway));
                Assert.Equal(200, await LoopbackClients.PingAsync(held[^1], Gateway));
            }
        }
        finally
        {
            held.ForEach(connection => connection.Dispose());
        }
    }

    [Fact]
    public async Task ForwardedFor_FromAStranger_IsIgnored_TheRegistryGetsTheConnectionsAddress()
    {
        using var stranger = LoopbackClients.From(Stranger, Gateway);
        var target = "/demo-pkg?probe=" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");

        using var response = await stranger.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Stranger, ForwardedFor(r => r.RawTarget == target));
    }

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_NamesTheClient_ForTheRegistryAndForWhoami()
    {
        using var proxy = LoopbackClients.From(Proxy, Gateway);
        var target = "/demo-pkg?probe=" + Guid.NewGuid().ToString("N");
        using var read = new HttpRequestMessage(HttpMethod.Get, target);
        read.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        using var readAnswer = await proxy.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, readAnswer.StatusCode);
        Assert.Equal("203.0.113.9", ForwardedFor(r => r.RawTarget == target));

        // A protected request: whoami carries the forwarded client too (a registry restricting tokens to networks judges it).
        var user = "fwd" + Guid.NewGuid().ToString("N")[..8];
        using var publish = RegistryBreakerHostTests.Publish(new("Bearer", user + "-token"));
        publish.Headers.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.7, 203.0.113.10");
        using var published = await proxy.SendAsync(publish);
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal("203.0.113.10", ForwardedFor(r => r.RawTarget == "/-/whoami" && r.Headers.GetValueOrDefault("Authorization") == "Bearer " + user + "-token"));
    }

    private string ForwardedFor(Func<StubRegistry.RecordedRequest, bool> which) =>
        Assert.Single(host.Registry.Requests, r => which(r)).Headers["X-Forwarded-For"];
}
