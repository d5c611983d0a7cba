using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// 2FA state across gateway processes: a restart with the embedded store, two instances sharing one
/// redis-server, and a store that goes away (fail closed). Each test starts the gateways it needs.
/// </summary>
[Collection(ThirdRegistryCollection.Name)]
public sealed class TwoFactorGatewayLifecycleTests(RegistryFixture registry)
{
    [Fact]
    public async Task Restart_EmbeddedStore_ModeAndSecretSurvive()
    {
        await using var gateway = await registry.StartGatewayAsync(store: "embedded");
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("restart"));

        await gateway.RestartAsync();

        using var npm = Npm(gateway, user.Token);
        var profile = await npm.RunAsync(npm.NewFolder("profile"), "profile", "get");
        Assert.True(profile.Succeeded, profile.ToString());
        Assert.Matches(@"two-factor auth:\s+auth-and-writes", profile.Stdout);
        var name = RegistryFixture.UniquePackageName("restarted");
        var folder = npm.CreatePackage(name, "1.0.0");
        var withoutCode = await npm.RunAsync(folder, "publish");
        Assert.False(withoutCode.Succeeded, withoutCode.ToString());
        Assert.Contains("code EOTP", withoutCode.Stderr);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));

        // The secret (encrypted with the data folder's key ring) still decrypts: a code from it works.
        var withCode = await npm.RunAsync(folder, "publish", "--otp", await Totp.CodeAsync(user.Secret));

        Assert.True(withCode.Succeeded, withCode.ToString());
        Assert.NotNull(await registry.Verdaccio.GetPackumentAsync(name));
    }

    [Fact]
    public async Task TwoInstances_SharedRedis_EnableOnA_InstanceBChallengesWithinOneSecond()
    {
        var startA = registry.StartGatewayAsync();
        var startB = registry.StartGatewayAsync();
        await using var gatewayA = await startA;
        await using var gatewayB = await startB;
        var user = await registry.CreateUserAsync("twoinst");
        using var npmB = Npm(gatewayB, user.Token);
        var name = RegistryFixture.UniquePackageName("twoinst");
        // B serves a write for the user first, so it has cached the user's mode as "disabled".
        var before = await npmB.RunAsync(npmB.CreatePackage(name, "1.0.0"), "publish");
        Assert.True(before.Succeeded, before.ToString());

        var enrolled = await gatewayA.EnrolAsync(user);

        var clock = Stopwatch.StartNew();
        HttpAnswer probe;
        do
        {
            probe = await gatewayB.PutDistTagAsync(user.Token, name, "probe", "1.0.0", otp: null);
        }
        while (probe.Status != HttpStatusCode.Unauthorized && clock.Elapsed < TimeSpan.FromSeconds(1));

        Assert.True(probe.Status == HttpStatusCode.Unauthorized, $"B still let a write through {clock.ElapsedMilliseconds} ms after A enabled 2FA:\n{probe}");
        Assert.Equal("otp", probe.Header("WWW-Authenticate"));
        var withoutCode = await npmB.RunAsync(npmB.CreatePackage(name, "1.1.0"), "publish");
        Assert.False(withoutCode.Succeeded, withoutCode.ToString());
        Assert.Contains("code EOTP", withoutCode.Stderr);
        var withCode = await npmB.RunAsync(npmB.CreatePackage(name, "1.1.0"), "publish", "--otp", await Totp.CodeAsync(enrolled.Secret));
        Assert.True(withCode.Succeeded, withCode.ToString());
    }

    [Fact]
    public async Task StoreDown_PagesApisAndProtectedWritesGet503WithRetryAfter_ReadsStillServed()
    {
        var redis = await RedisServerProcess.StartAsync();
        try
        {
            await using var gateway = await registry.StartGatewayAsync(store: redis.ConnectionString);
            var user = await gateway.EnrolAsync(await registry.CreateUserAsync("storedown"));
            using var npm = Npm(gateway, user.Token);
            var name = RegistryFixture.UniquePackageName("storedown");
            var code = await Totp.CodeAsync(user.Secret);
            var publish = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", code);
            Assert.True(publish.Succeeded, publish.ToString());
            var newToken = await registry.Verdaccio.LoginAsync(user.User);
            using var page = new PageSession(gateway);
            await page.GetAsync("/-/gateway/sign-in"); // the form's antiforgery token, while the store still answers
            var login = await gateway.SendAsync(HttpMethod.Post, "/-/v1/login", token: null, body: new JsonObject());
            var doneUrl = new Uri(login.Json!["doneUrl"]!.GetValue<string>()).PathAndQuery;

            await redis.DisposeAsync();

            // Every kind of endpoint answers the outage the same way (Errors/DependencyFailureHandler.cs).
            var signIn = await page.PostFormAsync("/-/gateway/sign-in", new Dictionary<string, string> { ["username"] = user.Name, ["password"] = user.Password });
            AssertUnavailable(signIn, html: true);
            AssertUnavailable(await gateway.SendAsync(HttpMethod.Get, doneUrl, token: null));
            AssertUnavailable(await gateway.SendAsync(HttpMethod.Post, "/-/v1/login", token: null, body: new JsonObject()));
            AssertUnavailable(await gateway.SendAsync(HttpMethod.Get, "/-/npm/v1/user", user.Token));

            // A credential the gateway has never seen: who it is cannot be looked up in the store.
            var unknownCaller = await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), newToken, body: PublishDocuments.Create(name, "1.1.0"));
            AssertUnavailable(unknownCaller);
            // A known (cached) caller with a valid code: the code cannot be checked against the store.
            var knownCaller = await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), user.Token, code, PublishDocuments.Create(name, "1.1.0"));
            AssertUnavailable(knownCaller);
            Assert.Equal(["1.0.0"], (await registry.Verdaccio.GetPackumentAsync(name))!["versions"]!.AsObject().Select(v => v.Key));

            var read = await gateway.SendAsync(HttpMethod.Get, VerdaccioProcess.EncodeName(name), token: null);
            Assert.Equal(HttpStatusCode.OK, read.Status);
            Assert.Equal(name, read.Json?["name"]?.GetValue<string>());
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    private static void AssertUnavailable(HttpAnswer answer, bool html = false)
    {
        Assert.True(answer.Status == HttpStatusCode.ServiceUnavailable, answer.ToString());
        Assert.True(int.TryParse(answer.Header("Retry-After"), out var seconds) && seconds > 0, answer.ToString());
        if (html)
        {
            Assert.StartsWith("text/html", answer.Header("Content-Type"));
            Assert.Contains("class=\"error\"", answer.Body);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(answer.Json?["error"]?.GetValue<string>()), answer.ToString());
        }
    }

    private static NpmCli Npm(GatewayProcess gateway, string token)
    {
        var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(token);
        return npm;
    }
}
