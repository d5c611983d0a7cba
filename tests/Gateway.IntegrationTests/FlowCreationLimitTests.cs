using System.Net;
using Gateway.IntegrationTests.Harness;
using StackExchange.Redis;

namespace Gateway.IntegrationTests;

/// <summary>
/// Browser flows cost a store write each, so their creation is limited: at most 5 open web-OTP flows per
/// credential (then the classic challenge, nothing written), at most 20 web logins per client address per
/// 5 minutes (then 429 + Retry-After). The gateway gets a database of the fixture's redis-server to itself,
/// so the test can count the flow records it wrote.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class FlowCreationLimitTests(RegistryFixture registry)
{
    private static readonly Dictionary<string, string> s_web = new() { ["npm-auth-type"] = "web" };

    [Fact]
    public async Task WebOtp_SixthChallengeOfOneCredential_ClassicChallengeAndNoFlowWritten_OtherCredentialStillGetsFlow()
    {
        const int database = 7;
        await using var gateway = await registry.StartGatewayAsync(store: $"{registry.Redis.ConnectionString},defaultDatabase={database}");
        using var redis = await ConnectionMultiplexer.ConnectAsync(registry.Redis.ConnectionString);
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("flows"));
        var package = RegistryFixture.UniquePackageName("flows");

        for (var i = 0; i < 5; i++)
        {
            var challenge = await gateway.PutDistTagAsync(user.Token, package, "t" + i, "1.0.0", otp: null, s_web);
            Assert.True(challenge.Status == HttpStatusCode.Unauthorized, challenge.ToString());
            Assert.NotNull(challenge.Json?["authUrl"]);
        }

        Assert.Equal(10, CountKeys(redis, database, "gw:flow:*") + CountKeys(redis, database, "gw:flow-done:*"));
        var limited = await gateway.PutDistTagAsync(user.Token, package, "t5", "1.0.0", otp: null, s_web);
        Assert.True(limited.Status == HttpStatusCode.Unauthorized, limited.ToString());
        Assert.Equal("otp", limited.Header("WWW-Authenticate"));
        Assert.Contains("one-time pass", limited.Json?["error"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        Assert.Null(limited.Json?["authUrl"]);
        Assert.Null(limited.Json?["doneUrl"]);
        Assert.Equal(10, CountKeys(redis, database, "gw:flow:*") + CountKeys(redis, database, "gw:flow-done:*"));
        Assert.True(await gateway.Output.WaitForLineAsync($"Web-OTP flow not opened for dist-tag-add by user {user.Name}"), gateway.Output.Tail());

        // The limit is the credential's, not the user's: another token of the same user still gets a flow.
        var otherToken = await registry.Verdaccio.LoginAsync(user.User);
        var other = await gateway.PutDistTagAsync(otherToken, package, "t6", "1.0.0", otp: null, s_web);
        Assert.NotNull(other.Json?["authUrl"]);
    }

    [Fact]
    public async Task WebLogin_TwentyFirstFromOneAddress_429WithRetryAfter_NoFlowWritten()
    {
        const int database = 8;
        await using var gateway = await registry.StartGatewayAsync(store: $"{registry.Redis.ConnectionString},defaultDatabase={database}");
        using var redis = await ConnectionMultiplexer.ConnectAsync(registry.Redis.ConnectionString);

        for (var i = 0; i < 20; i++)
        {
            var login = await gateway.SendAsync(HttpMethod.Post, "-/v1/login", token: null, body: new System.Text.Json.Nodes.JsonObject());
            Assert.True(login.Status == HttpStatusCode.OK, login.ToString());
            Assert.NotNull(login.Json?["loginUrl"]);
        }

        Assert.Equal(20, CountKeys(redis, database, "gw:flow:*"));
        var limited = await gateway.SendAsync(HttpMethod.Post, "-/v1/login", token: null, body: new System.Text.Json.Nodes.JsonObject());
        Assert.True(limited.Status == HttpStatusCode.TooManyRequests, limited.ToString());
        Assert.True(int.TryParse(limited.Header("Retry-After"), out var seconds) && seconds is > 0 and <= 300, limited.ToString());
        Assert.False(string.IsNullOrEmpty(limited.Json?["error"]?.GetValue<string>()), limited.ToString());
        Assert.Null(limited.Json?["loginUrl"]);
        Assert.Equal(20, CountKeys(redis, database, "gw:flow:*"));
    }

    private static int CountKeys(ConnectionMultiplexer redis, int database, string pattern) =>
        redis.GetServers()[0].Keys(database, pattern).Count();
}
