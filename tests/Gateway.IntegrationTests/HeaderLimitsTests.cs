using System.Net;
using System.Net.Sockets;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Node's 16 KB header limit, with the real registry (Verdaccio 6 on Node 20): what the gateway accepts under its
/// default <c>Gateway:Limits</c> the registry accepts too; and where the registry refuses one of the gateway's own
/// calls for its size (here with the gateway's header limit raised to Kestrel's old 32 KB), a stranger's requests
/// are answered 431 and do not open the registry breaker: the owner, from another address, still publishes with a code.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class HeaderLimitsTests(RegistryFixture registry)
{
    private static readonly IPAddress s_stranger = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task StrangersOversizedCredentials_RefusedByTheRegistry_DoNotOpenTheBreaker()
    {
        await using var verdaccio = await VerdaccioProcess.StartAsync();
        await using var gateway = await GatewayProcess.StartAsync(verdaccio.Url, registry.Redis.ConnectionString,
            new Dictionary<string, string?>
            {
                ["Gateway__Limits__MaxRequestHeadersTotalSize"] = "32768",
                ["Gateway__Memory__MaxCredentialLength"] = "16384", // the gateway's own 4 KB cap would refuse it first
            });
        var owner = await gateway.EnrolAsync(await verdaccio.CreateUserAsync("big-" + Guid.NewGuid().ToString("N")[..8], "pw-" + Guid.NewGuid().ToString("N")));
        var name = RegistryFixture.UniquePackageName("limits");
        var publish = PublishDocuments.Create(name, "1.0.0").ToJsonString();
        using var stranger = StrangerConnections.ClientFrom(s_stranger, gateway.Url);

        for (var i = 0; i < 10; i++)
        {
            // Node refuses above 16 KB of headers: a credential just under the gateway's (raised) cap, and filler.
            var refused = await stranger.SendRawAsync(HttpMethod.Put, name, GatewayHttp.Basic("stranger", new string('p', 12 * 1024 - 100)), publish, "application/json",
                new Dictionary<string, string> { ["x-filler"] = new string('f', 5 * 1024) });

            Assert.Equal((HttpStatusCode)431, refused.Status);
            Assert.Contains("headers are too large", refused.Json?["error"]?.GetValue<string>(), StringComparison.Ordinal);
        }

        // A credential the gateway has not cached (whoami must be asked), with a valid code.
        var published = await gateway.Http.SendRawAsync(HttpMethod.Put, name, GatewayHttp.Basic(owner.Name, owner.Password), publish, "application/json",
            new Dictionary<string, string> { ["npm-otp"] = await Totp.CodeAsync(owner.Secret) });
        Assert.True(published.Status is HttpStatusCode.OK or HttpStatusCode.Created, published.ToString());
    }

    [Fact]
    public async Task RequestJustUnderTheDefaultLimits_IsAcceptedByTheRegistry_OneOverIsRefusedByTheGateway()
    {
        await using var verdaccio = await VerdaccioProcess.StartAsync();
        await using var gateway = await GatewayProcess.StartAsync(verdaccio.Url, registry.Redis.ConnectionString);
        var user = await verdaccio.CreateUserAsync("near-" + Guid.NewGuid().ToString("N")[..8], "pw-" + Guid.NewGuid().ToString("N"));

        // About 11.9 KB of headers and a 3 KB request line: with the gateway's own headers, still under Node's 16 KB.
        var filler = new Dictionary<string, string> { ["x-filler"] = new string('h', 12 * 1024 - 400 - user.Token.Length) };
        var near = await gateway.Http.SendRawAsync(HttpMethod.Get, "-/whoami?q=" + new string('u', 3 * 1024 - 40), "Bearer " + user.Token, null, null, filler);
        Assert.Equal(HttpStatusCode.OK, near.Status);

        filler["x-filler"] += new string('h', 1024);
        var over = await gateway.Http.SendRawAsync(HttpMethod.Get, "-/whoami", "Bearer " + user.Token, null, null, filler);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, over.Status);
    }
}
