using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Issue 19, item 3, against a real Verdaccio: a protected request without a credential is answered by the gateway and
/// never reaches the registry, so a stranger cannot spend the registry's per-address rate limit — which, behind the
/// gateway, is one bucket for every user (this Verdaccio does not trust the gateway's <c>X-Forwarded-For</c>, so
/// everything it sees comes from the gateway's address, and it allows 10 token requests a minute).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class AnonymousRequestsTests(RegistryFixture registry)
{
    private const int RegistryLimit = 10;

    [Fact]
    public async Task StrangersAnonymousTokenCreates_NeverReachVerdaccio_OwnersTokenCreateStillWorks_NpmWithoutLoginSaysLogIn()
    {
        await using var verdaccio = await VerdaccioProcess.StartAsync(userRateLimit: RegistryLimit);
        await using var gateway = await GatewayProcess.StartAsync(verdaccio.Url, registry.Redis.ConnectionString);
        var owner = await verdaccio.CreateUserAsync("owner-" + Guid.NewGuid().ToString("N")[..8], "pw-" + Guid.NewGuid().ToString("N"));
        using var stranger = StrangerConnections.ClientFrom(IPAddress.Parse("127.0.0.2"), gateway.Url);
        var body = new JsonObject { ["password"] = "guess", ["readonly"] = false, ["cidr_whitelist"] = new JsonArray() }.ToJsonString();

        // Five times the registry's limit, from a stranger with no credential.
        for (var i = 0; i < RegistryLimit * 5; i++)
        {
            var refused = await stranger.SendRawAsync(HttpMethod.Post, "-/npm/v1/tokens", authorization: null, body, "application/json");
            Assert.True(refused.Status == HttpStatusCode.Unauthorized, refused.ToString());
            Assert.Null(refused.Header("X-RateLimit-Remaining")); // Verdaccio's limiter answers every request it sees with this header
        }

        // npm without a login: the gateway's 401, which npm prints as "log in", not as a one-time-password prompt.
        using var anonymousNpm = new NpmCli(gateway.RegistryUrl);
        var withoutLogin = await anonymousNpm.RunAsync(anonymousNpm.NewFolder("token"), "token", "create", "--password", "guess");
        Assert.False(withoutLogin.Succeeded, withoutLogin.ToString());
        Assert.Contains("E401", withoutLogin.Stderr, StringComparison.Ordinal);
        Assert.Contains("npm login", withoutLogin.Stderr, StringComparison.Ordinal);
        Assert.Contains("you are not logged in", withoutLogin.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("one-time password", withoutLogin.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("EOTP", withoutLogin.Stderr, StringComparison.Ordinal);

        // The owner, logged in: npm token create still works, and Verdaccio counted only the owner's requests.
        using var ownersNpm = new NpmCli(gateway.RegistryUrl);
        ownersNpm.SetToken(owner.Token);
        var created = await ownersNpm.RunAsync(ownersNpm.NewFolder("token"), "token", "create", "--json", "--password", owner.Password);
        Assert.True(created.Succeeded, created.ToString());
        Assert.False(string.IsNullOrEmpty(JsonNode.Parse(created.Stdout)?["token"]?.GetValue<string>()), created.ToString());
        var counted = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/tokens", owner.Token,
            body: new JsonObject { ["password"] = owner.Password, ["readonly"] = false, ["cidr_whitelist"] = new JsonArray() });
        Assert.True(counted.Status == HttpStatusCode.OK, counted.ToString());
        // Two token requests reached Verdaccio in this minute: npm's and this one. None of the stranger's 50.
        Assert.Equal(RegistryLimit - 2, int.Parse(counted.Header("X-RateLimit-Remaining")!, CultureInfo.InvariantCulture));
    }
}
