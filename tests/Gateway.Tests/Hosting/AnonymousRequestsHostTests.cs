using Gateway.Npm;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Issue 19, item 3: a stranger (127.0.0.2) sending protected requests without any credential gets the gateway's 401
/// and the registry never sees them, so they cannot spend its per-address rate limit (one bucket for everyone behind
/// the gateway). Logins, which carry no credential by nature, still reach the registry.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class AnonymousRequestsHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string PublishBody =
        """{"_id":"demo-pkg","name":"demo-pkg","dist-tags":{"latest":"1.0.1"},"versions":{"1.0.1":{"name":"demo-pkg","version":"1.0.1"}},"_attachments":{"demo-pkg-1.0.1.tgz":{"content_type":"application/octet-stream","data":"H4sI","length":3}}}""";

    [Theory]
    [InlineData("token create", "POST", "/-/npm/v1/tokens", """{"password":"guess","readonly":false,"cidr_whitelist":[]}""")]
    [InlineData("token create, other spelling", "POST", "/-/NPM/v1/Tokens/", """{"password":"guess"}""")]
    [InlineData("token create, doubled slashes", "POST", "//-/npm//v1/tokens", """{"password":"guess"}""")]
    [InlineData("token revoke", "DELETE", "/-/npm/v1/tokens/token/abcdef", null)]
    [InlineData("publish", "PUT", "/demo-pkg", PublishBody)]
    [InlineData("deprecate", "PUT", "/demo-pkg", """{"_id":"demo-pkg","versions":{"1.0.0":{"deprecated":"no"}}}""")]
    [InlineData("dist-tag add", "PUT", "/-/package/demo-pkg/dist-tags/latest", "\"1.0.0\"")]
    [InlineData("dist-tag rm", "DELETE", "/-/package/demo-pkg/dist-tags/beta", null)]
    [InlineData("owner change", "PUT", "/@stub%2fpkg/-rev/3-abc", """{"_id":"@stub/pkg","_rev":"3-abc","maintainers":[{"name":"mallory"}]}""")]
    [InlineData("access", "POST", "/-/package/demo-pkg/access", """{"publish_requires_tfa":false}""")]
    [InlineData("profile change", "POST", "/-/npm/v1/user", """{"password":{"old":"guess","new":"mine"}}""")]
    [InlineData("2FA change", "POST", "/-/npm/v1/user", """{"tfa":{"mode":"disable","password":"guess"}}""")]
    [InlineData("unpublish", "DELETE", "/demo-pkg/-rev/3-abc", null)]
    [InlineData("a write no rule names", "POST", "/-/some/new/api", "{}")]
    [InlineData("stage publish", "POST", "/-/stage/package/demo-pkg", PublishBody)]
    [InlineData("stage approve", "POST", "/-/stage/1b4e28ba-2fa1-11d2-883f-0016d3cca427/approve", null)]
    [InlineData("stage reject", "DELETE", "/-/stage/1b4e28ba-2fa1-11d2-883f-0016d3cca427", null)]
    public async Task ProtectedRequest_WithoutCredential_FromAStranger_Is401FromTheGateway_NotForwarded(string what, string method, string target, string? json)
    {
        var before = await OperationsScrape.MetricsAsync(host.Client);

        var answer = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, method, target,
            json is null ? [] : ["Content-Type: application/json"], json is null ? null : System.Text.Encoding.UTF8.GetBytes(json));

        Assert.True(answer.Status == 401, $"{what}: {answer.Status} {answer.Body}");
        Assert.Equal(AnonymousRefusal.Challenge, answer.Header("WWW-Authenticate"));
        Assert.DoesNotContain("otp", answer.Header("WWW-Authenticate")!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(AnonymousRefusal.Message, answer.Error);
        Assert.DoesNotContain("one-time pass", answer.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(AnonymousRefusal.Notice, answer.Header("npm-notice"));
        Assert.DoesNotContain(host.Registry.Requests, r => r.Method == method && r.RawTarget == target);
        var after = await OperationsScrape.MetricsAsync(host.Client);
        Assert.Equal(1, after.Sum("gateway_requests_total", "decision=\"anonymous\"") - before.Sum("gateway_requests_total", "decision=\"anonymous\""));
    }

    [Theory]
    [InlineData("npm profile get", "GET", "/-/npm/v1/user")]
    [InlineData("npm profile get, other spelling", "GET", "/-/NPM/v1/User")]
    [InlineData("npm token list", "GET", "/-/npm/v1/tokens")]
    [InlineData("npm logout", "DELETE", "/-/user/token/some-token")]
    public async Task ReadThatNeedsACredential_WithoutOne_Is401FromTheGateway_NotForwarded(string what, string method, string target)
    {
        var answer = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, method, target);

        Assert.True(answer.Status == 401, $"{what}: {answer.Status} {answer.Body}");
        Assert.Equal(AnonymousRefusal.Challenge, answer.Header("WWW-Authenticate"));
        Assert.Equal(AnonymousRefusal.Message, answer.Error);
        Assert.DoesNotContain(host.Registry.Requests, r => r.Method == method && r.RawTarget == target);
    }

    [Fact]
    public async Task AnonymousReads_AreStillServed()
    {
        var packument = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, "GET", "/demo-pkg");
        var ping = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, "GET", "/-/ping");

        Assert.Equal((200, 200), (packument.Status, ping.Status));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(StubRegistry.Packument), packument.Body);
    }

    [Fact]
    public async Task ThousandAnonymousTokenCreates_NoneReachesTheRegistry_TheOwnersStillDoes()
    {
        using var parallel = new SemaphoreSlim(16);
        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            await parallel.WaitAsync();
            try
            {
                return await RawExchange.SendAsync(host.Client, RawExchange.Stranger, "POST", "/-/npm/v1/tokens",
                    ["Content-Type: application/json"], """{"password":"guess"}"""u8.ToArray());
            }
            finally
            {
                parallel.Release();
            }
        }));

        Assert.All(answers, a => Assert.Equal(401, a.Status));
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget == "/-/npm/v1/tokens" && r.Headers.GetValueOrDefault("X-Forwarded-For") == RawExchange.Stranger.ToString());
        // The owner (no 2FA) from 127.0.0.1 with her token: forwarded (the stub registry has no token API: 404).
        using var owner = GatewayHost.As("olivia", HttpMethod.Post, "/-/npm/v1/tokens", """{"password":"olivia-password"}""");
        using var response = await host.Client.SendAsync(owner);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(host.Registry.Requests, r => r is { Method: "POST", RawTarget: "/-/npm/v1/tokens" } && r.Headers.GetValueOrDefault("Authorization") == "Bearer olivia-token");
    }

    [Theory]
    [InlineData("/-/user/org.couchdb.user:newcomer", """{"_id":"org.couchdb.user:newcomer","name":"newcomer","password":"pw","type":"user","roles":[]}""")]
    [InlineData("/-/user/org.couchdb.user:newcomer2/-rev/1-x", """{"_id":"org.couchdb.user:newcomer2","name":"newcomer2","password":"pw","type":"user","roles":[]}""")]
    public async Task CouchLoginOfANewName_WithoutCredential_StillReachesTheRegistry(string target, string json)
    {
        var answer = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, "PUT", target, ["Content-Type: application/json"],
            System.Text.Encoding.UTF8.GetBytes(json));

        // The stub registry refuses the made-up password as Verdaccio does: it was forwarded, and answered by the registry.
        Assert.Equal(401, answer.Status);
        Assert.Contains("unauthorized access", answer.Body, StringComparison.Ordinal);
        var forwarded = Assert.Single(host.Registry.Requests, r => r.Method == "PUT" && r.RawTarget == target);
        Assert.Equal(RawExchange.Stranger.ToString(), forwarded.Headers["X-Forwarded-For"]);
    }

    [Fact]
    public async Task WebLogin_WithoutCredential_IsTheGatewaysOwn_NotRefused()
    {
        var answer = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, "POST", "/-/v1/login", ["Content-Type: application/json"], "{}"u8.ToArray());

        Assert.Equal(200, answer.Status);
        Assert.Contains("loginUrl", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedRequests_CarryTheClientsOwnAddress_InXForwardedFor()
    {
        var client = System.Net.IPAddress.Parse("127.0.0.3");

        var read = await RawExchange.SendAsync(host.Client, client, "GET", "/demo-pkg?from=127.0.0.3");
        var write = await RawExchange.SendAsync(host.Client, client, "PUT", "/demo-pkg?from=127.0.0.3",
            ["Authorization: Bearer xavier-token", "Content-Type: application/json"], System.Text.Encoding.UTF8.GetBytes(PublishBody));

        Assert.Equal((200, 201), (read.Status, write.Status));
        var seen = host.Registry.Requests.Where(r => r.RawTarget.EndsWith("from=127.0.0.3", StringComparison.Ordinal)).ToList();
        Assert.Equal(["GET", "PUT"], seen.Select(r => r.Method).Order());
        Assert.All(seen, r => Assert.Equal("127.0.0.3", r.Headers["X-Forwarded-For"]));
        // The identity lookup for the write asked the registry about the same address.
        Assert.Contains(host.Registry.Requests, r => r.RawTarget == "/-/whoami" && r.Headers.GetValueOrDefault("Authorization") == "Bearer xavier-token"
            && r.Headers.GetValueOrDefault("X-Forwarded-For") == "127.0.0.3");
    }
}
