using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>The npm front end in process: a code forwards a publish once, a stolen code is refused, the web flows' endpoints.</summary>
public sealed class NpmApiHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string PublishBody =
        """{"_id":"demo-pkg","name":"demo-pkg","dist-tags":{"latest":"1.0.1"},"versions":{"1.0.1":{"name":"demo-pkg","version":"1.0.1"}},"_attachments":{"demo-pkg-1.0.1.tgz":{"content_type":"application/octet-stream","data":"H4sI","length":3}}}""";

    [Fact]
    public async Task OwnerAdd_OfAScopedPackage_MakesEveryListedMaintainerAMemberOfTheScope()
    {
        // npm owner add's PUT: the whole new maintainers list; accepted by the registry (2xx).
        using var owner = GatewayHost.As("olga", HttpMethod.Put, "/@stub%2fowned/-rev/3-abc",
            """{"_id":"@stub/owned","_rev":"3-abc","maintainers":[{"name":"olga","email":"o@example.com"},{"name":"Pavel","email":"p@example.com"},{"name":"bad{name"}]}""");

        using var response = await host.Client.SendAsync(owner);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var members = await RespProbe.SendAsync(host.Redis.Port,
            ["SISMEMBER", "gw:user:{olga}:scopes", "@stub"], ["SISMEMBER", "gw:user:{Pavel}:scopes", "@stub"]);
        Assert.Equal([":1", ":1"], members);
    }

    [Fact]
    public async Task Publish_WithValidCode_IsForwardedOnceWithoutTheCode()
    {
        var secret = await host.EnrolAsync("dora");
        var before = host.Registry.Requests.Count(r => r.Method == "PUT");

        using var publish = GatewayHost.As("dora", HttpMethod.Put, "/demo-pkg", PublishBody);
        publish.Headers.Add("npm-otp", TotpCodes.Compute(secret, DateTimeOffset.UtcNow));
        using var response = await host.Client.SendAsync(publish);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var forwarded = host.Registry.Requests.Where(r => r.Method == "PUT").Skip(before).ToList();
        var put = Assert.Single(forwarded);
        Assert.False(put.Headers.ContainsKey("npm-otp"), "the code reached the registry");
    }

    [Fact]
    public async Task Publish_CodeAlreadyUsedByAnotherCredentialOfTheUser_IsRefusedAndNotForwarded()
    {
        // The attacker holds erin's password (a second credential) and saw the code her token just used.
        var secret = await host.EnrolAsync("erin");
        var code = TotpCodes.Compute(secret, DateTimeOffset.UtcNow);
        using var first = GatewayHost.As("erin", HttpMethod.Put, "/demo-pkg", PublishBody);
        first.Headers.Add("npm-otp", code);
        using var accepted = await host.Client.SendAsync(first);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        var before = host.Registry.Requests.Count(r => r.Method == "PUT");

        using var stolen = new HttpRequestMessage(HttpMethod.Put, "/demo-pkg") { Content = new StringContent(PublishBody, Encoding.UTF8, "application/json") };
        stolen.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("erin:erin-password")));
        stolen.Headers.Add("npm-otp", code);
        using var refused = await host.Client.SendAsync(stolen);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("not accepted", string.Join(" ", refused.Headers.GetValues("npm-notice")), StringComparison.Ordinal);
        Assert.Equal(before, host.Registry.Requests.Count(r => r.Method == "PUT"));
    }

    [Fact]
    public async Task WebAuthType_ChallengeOpensAFlowOnTheGatewayWhoseDoneUrlIsPending()
    {
        await host.EnrolAsync("fred");

        using var publish = GatewayHost.As("fred", HttpMethod.Put, "/demo-pkg", PublishBody);
        publish.Headers.Add("npm-auth-type", "web");
        using var challenge = await host.Client.SendAsync(publish);
        var json = JsonDocument.Parse(await challenge.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var authUrl = new Uri(json.GetProperty("authUrl").GetString()!);
        var doneUrl = new Uri(json.GetProperty("doneUrl").GetString()!);
        Assert.StartsWith("/-/gateway/", authUrl.AbsolutePath, StringComparison.Ordinal);
        Assert.StartsWith("/-/gateway/", doneUrl.AbsolutePath, StringComparison.Ordinal);

        using var poll = await host.Client.GetAsync(doneUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.Accepted, poll.StatusCode);
        Assert.NotNull(poll.Headers.RetryAfter);
    }

    [Fact]
    public async Task WebLogin_AnswersLoginAndDoneUrls_ButNotForAccountCreation()
    {
        using var login = await host.Client.PostAsync("/-/v1/login", new StringContent("{}", Encoding.UTF8, "application/json"));
        var json = JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement;
        using var create = await host.Client.PostAsync("/-/v1/login", new StringContent("""{"create":true}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.StartsWith("http://localhost/-/gateway/", json.GetProperty("loginUrl").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("http://localhost/-/gateway/", json.GetProperty("doneUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, create.StatusCode);
    }
}
