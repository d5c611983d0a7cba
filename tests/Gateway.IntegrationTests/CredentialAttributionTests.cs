using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// A protected request is decided for the account the registry will act for, or refused. The case that
/// matters: a token the registry restricts to client addresses (npm token create --cidr). Verdaccio here
/// trusts its loopback proxy (server.trustProxy), as a registry behind a gateway must to see client
/// addresses; the client connects from 127.0.0.2. If whoami were asked from the gateway's own address it
/// would refuse the token, the gateway would take the caller for anonymous, and forward a publish the
/// registry then accepts from the client's address: a publish without a second factor.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class CredentialAttributionTests(RegistryFixture registry)
{
    private static readonly IPAddress s_clientAddress = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task AddressRestrictedToken_FromItsAddress_IsAttributedAndChallenged_FromElsewhere_Refused()
    {
        await using var verdaccio = await VerdaccioProcess.StartAsync("server:\n  trustProxy: loopback\n");
        await using var gateway = await GatewayProcess.StartAsync(verdaccio.Url, registry.Redis.ConnectionString);
        var alice = await gateway.EnrolAsync(await verdaccio.CreateUserAsync("cidr-" + Guid.NewGuid().ToString("N")[..8], "pw-" + Guid.NewGuid().ToString("N")));
        var restricted = await CreateTokenAsync(verdaccio, alice, "127.0.0.2/32");
        var name = RegistryFixture.UniquePackageName("cidr");
        var publish = PublishDocuments.Create(name, "1.0.0").ToJsonString();
        using var fromClientAddress = StrangerConnections.ClientFrom(s_clientAddress, gateway.Url);

        // Elsewhere first: an attribution, once made, is cached per credential (the registry still enforces the
        // address on the forwarded request itself), and a refusal is never cached.
        var elsewhere = await gateway.Http.SendRawAsync(HttpMethod.Put, name, "Bearer " + restricted, publish, "application/json");
        var challenged = await fromClientAddress.SendRawAsync(HttpMethod.Put, name, "Bearer " + restricted, publish, "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, challenged.Status);
        Assert.Equal("otp", challenged.Header("WWW-Authenticate"));
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.Status);
        Assert.Contains("does not accept these credentials", elsewhere.Json?["error"]?.GetValue<string>(), StringComparison.Ordinal);
        using var direct = await verdaccio.Http.GetAsync(VerdaccioProcess.EncodeName(name));
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);
    }

    /// <summary><c>npm token create --cidr</c>, straight at the registry.</summary>
    private static async Task<string> CreateTokenAsync(VerdaccioProcess verdaccio, TwoFactorUser user, string cidr)
    {
        var body = new JsonObject { ["password"] = user.Password, ["readonly"] = false, ["cidr_whitelist"] = new JsonArray(cidr) }.ToJsonString();
        var answer = await verdaccio.Http.SendRawAsync(HttpMethod.Post, "-/npm/v1/tokens", "Bearer " + user.Token, body, "application/json");
        return answer.Json?["token"]?.GetValue<string>() ?? throw new InvalidOperationException($"No token created:\n{answer}");
    }
}
