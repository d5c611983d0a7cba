using System.Net;
using Gateway.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// Two gateway instances on one replicated store under steady load while the store's primary dies and a replica
/// is promoted (Sentinel), or a cluster primary fails over (docs/SCALING.md, "Guarantees under failure"):
/// no protected request is forwarded without a verified second factor, no code is accepted from two credentials,
/// every read is served, protected requests in the gap get 503 with Retry-After, lock-outs survive, and the time
/// until protected requests succeed again is reported.
/// </summary>
[Collection(SecondRegistryCollection.Name)]
public sealed class StoreFailoverTests(RegistryFixture registry, ITestOutputHelper output)
{
    private static readonly TimeSpan s_recoveryLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sentinel_PrimaryKilled_ReplicaPromoted_GuaranteesHoldAndProtectedRequestsRecover()
    {
        await using var store = await RedisSentinelSet.StartAsync();
        var oldPrimary = store.Primary.Port;

        await RunFailoverAsync(store.ConnectionString, kill: _ =>
        {
            store.Primary.Kill();
            return Task.CompletedTask;
        });

        Assert.NotEqual(oldPrimary, await store.PrimaryPortAsync());
    }

    [Fact]
    public async Task Cluster_PrimaryOfTheUsersSlotKilled_ReplicaTakesOver_GuaranteesHoldAndProtectedRequestsRecover()
    {
        await using var store = await RedisClusterSet.StartAsync();

        await RunFailoverAsync(store.ConnectionString, kill: async writer =>
        {
            (await store.PrimaryOfAsync("gw:user:{" + writer + "}")).Kill();
        });

        await store.WaitUntilHealthyAsync();
        await StagedPublishOnTheClusterAsync(store.ConnectionString);
    }

    /// <summary>
    /// A staged publish on the healed cluster: its record and chunks in one slot (one transaction, one delete), its version
    /// claim with the package's staged-versions set (one script) and the index in others; staged, listed, read back and
    /// approved, then gone.
    /// </summary>
    private async Task StagedPublishOnTheClusterAsync(string storeConnection)
    {
        await using var gateway = await StartGatewayAsync(storeConnection);
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("clusterstage"));
        var name = RegistryFixture.UniquePackageName("clusterstaged");
        var document = PublishDocuments.Create(name, "1.0.0");

        var staged = await gateway.SendAsync(HttpMethod.Post, "/-/stage/package/" + name, user.Token, body: document);
        var id = staged.Json?["stageId"]?.GetValue<string>() ?? throw new InvalidOperationException(staged.ToString());
        var tarball = await gateway.SendAsync(HttpMethod.Get, $"/-/stage/{id}/tarball", user.Token);
        var approved = await gateway.SendAsync(HttpMethod.Post, $"/-/stage/{id}/approve", user.Token, await Totp.CodeAsync(user.Secret));

        Assert.Equal(HttpStatusCode.OK, tarball.Status);
        Assert.True(approved.Status == HttpStatusCode.Created, approved.ToString());
        Assert.Equal("1.0.0", (await registry.Verdaccio.GetPackumentAsync(name))?["dist-tags"]?["latest"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.SendAsync(HttpMethod.Get, $"/-/stage/{id}", user.Token)).Status);
    }

    [Fact]
    public async Task Sentinel_ReplicaNotConfirming_CodeRefusedWith503_ThenAcceptedOnceItConfirms()
    {
        await using var store = await RedisSentinelSet.StartAsync();
        await using var gateway = await StartGatewayAsync(store.ConnectionString);
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("unconfirmed"));
        var package = await PublishAsync(user);

        foreach (var replica in store.Replicas)
        {
            await replica.FreezeAsync();
        }

        var refused = await gateway.PutDistTagAsync(user.Token, package, "beta", "1.0.0", await Totp.CodeAsync(user.Secret));
        foreach (var replica in store.Replicas)
        {
            await replica.ThawAsync();
        }

        var accepted = await WaitForStatusAsync(async () => await gateway.PutDistTagAsync(user.Token, package, "beta", "1.0.0", await Totp.CodeAsync(user.Secret)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.NotNull(refused.Header("Retry-After"));
        Assert.True(accepted.Status == HttpStatusCode.OK || accepted.Status == HttpStatusCode.Created, accepted.ToString());
    }

    private async Task RunFailoverAsync(string storeConnection, Func<string, Task> kill)
    {
        var started = await Task.WhenAll(StartGatewayAsync(storeConnection), StartGatewayAsync(storeConnection));
        await using var a = started[0];
        await using var b = started[1];
        var writer = await a.EnrolAsync(await registry.CreateUserAsync("fowriter"));
        var replayed = await b.EnrolAsync(await registry.CreateUserAsync("foreplay"));
        var locked = await registry.CreateUserAsync("folocked");
        var writerPackage = await PublishAsync(writer);
        var replayedPackage = await PublishAsync(replayed);
        var lockedPackage = await PublishAsync(locked);

        // Pub/sub across instances on this store: b has read the user's mode (no 2FA: forwarded) before a enrols them.
        var before = await b.PutDistTagAsync(locked.Token, lockedPackage, "before", "1.0.0", otp: null);
        Assert.True(before.Status is HttpStatusCode.OK or HttpStatusCode.Created, before.ToString());
        var lockedEnrolled = await a.EnrolAsync(locked);
        var challenged = await WaitForStatusAsync(() => b.PutDistTagAsync(locked.Token, lockedPackage, "after", "1.0.0", otp: null), HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.Status);

        await using var load = new FailoverLoad([a, b], writer, writerPackage, replayed, replayedPackage, await registry.Verdaccio.LoginAsync(replayed.User));
        load.Start();
        await load.WaitForVerifiedSuccessesAsync(0, 3, s_recoveryLimit);

        // Lock one account out through a, just before the failure.
        for (var i = 0; i < 5; i++)
        {
            await a.PutDistTagAsync(locked.Token, lockedPackage, "wrong", "1.0.0", await Totp.WrongCodeAsync(lockedEnrolled.Secret));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await b.PutDistTagAsync(locked.Token, lockedPackage, "right", "1.0.0", await Totp.CodeAsync(lockedEnrolled.Secret))).Status);

        // A code spent just before the failure, by the replayed user's first credential.
        var spent = await Totp.CodeAsync(replayed.Secret, stepOffset: 1);
        var spentAnswer = await a.PutDistTagAsync(replayed.Token, replayedPackage, "spent", "1.0.0", spent);
        Assert.True(spentAnswer.Status is HttpStatusCode.OK or HttpStatusCode.Created, spentAnswer.ToString());

        var killedAt = load.NowMs;
        await kill(writer.Name);
        await load.WaitForVerifiedSuccessesAsync(killedAt, 3, s_recoveryLimit);
        var recoveryMs = load.RecoveryMs(killedAt);

        var secondToken = await registry.Verdaccio.LoginAsync(replayed.User);
        var replayAfter = await b.PutDistTagAsync(secondToken, replayedPackage, "spent", "1.0.0", spent);
        // Instance a may still be failing closed (503) for a moment after b's requests recovered on a loaded machine:
        // ask again until it decides; the lock-out must then still be in force.
        var lockedAfter = await a.PutDistTagAsync(locked.Token, lockedPackage, "right", "1.0.0", await Totp.CodeAsync(lockedEnrolled.Secret));
        for (var attempt = 0; lockedAfter.Status == HttpStatusCode.ServiceUnavailable && attempt < 20; attempt++)
        {
            await Task.Delay(500);
            lockedAfter = await a.PutDistTagAsync(locked.Token, lockedPackage, "right", "1.0.0", await Totp.CodeAsync(lockedEnrolled.Secret));
        }

        await Task.Delay(1000);
        await load.DisposeAsync();

        var samples = load.Samples;
        output.WriteLine($"recovery (kill → protected requests succeed again): {recoveryMs} ms; {load.Summary()}");
        var summary = load.Summary();
        // Protected without a second factor: never forwarded (401 challenge, or 503 while the store is away).
        Assert.All(samples.Where(s => s.Kind == FailoverLoad.Unverified), s => Assert.True(s.Status is HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable, summary));
        Assert.Null((await registry.Verdaccio.GetPackumentAsync(writerPackage))!["dist-tags"]![FailoverLoad.ForbiddenTag]);
        // No code accepted from two credentials.
        Assert.All(samples.Where(s => s.Kind == FailoverLoad.Replay && s.Succeeded).GroupBy(s => s.Code), g => Assert.Single(g.Select(s => s.Credential).Distinct()));
        Assert.NotEqual(HttpStatusCode.OK, replayAfter.Status);
        Assert.NotEqual(HttpStatusCode.Created, replayAfter.Status);
        // Reads: every one served.
        Assert.All(samples.Where(s => s.Kind == FailoverLoad.Read), s => Assert.Equal(HttpStatusCode.OK, s.Status));
        // Verified writes: succeeded, or 503 with Retry-After during the gap; never anything else.
        Assert.All(samples.Where(s => s.Kind == FailoverLoad.Verified && !s.Succeeded), s =>
        {
            Assert.True(s.Status == HttpStatusCode.ServiceUnavailable, summary);
            Assert.NotNull(s.RetryAfter);
        });
        // The lock-out made before the failure is still in force after it, through the other instance.
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedAfter.Status);
        Assert.True(recoveryMs < s_recoveryLimit.TotalMilliseconds, summary);
    }

    private Task<GatewayProcess> StartGatewayAsync(string storeConnection) =>
        GatewayProcess.StartAsync(registry.Verdaccio.Url, storeConnection, new Dictionary<string, string?>
        {
            ["Gateway__StoreReplication__ConfirmReplicas"] = "1",
            // A loaded CI machine: replicas confirm in well under this, and it stays within the store's 2 s guard.
            ["Gateway__StoreReplication__ConfirmTimeout"] = "00:00:01.500",
        });

    private async Task<string> PublishAsync(RegistryUser user)
    {
        var name = RegistryFixture.UniquePackageName("failover");
        var answer = await registry.Verdaccio.Http.SendRawAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), "Bearer " + user.Token,
            PublishDocuments.Create(name, "1.0.0").ToJsonString(), "application/json");
        Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.Created, answer.ToString());
        return name;
    }

    private Task<string> PublishAsync(TwoFactorUser user) => PublishAsync(user.User);

    /// <summary>Repeats <paramref name="send"/> until it answers <paramref name="wanted"/> (default: any success) or the time is up; the last answer.</summary>
    private static async Task<HttpAnswer> WaitForStatusAsync(Func<Task<HttpAnswer>> send, HttpStatusCode? wanted = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var answer = await send();
            var done = wanted is null ? (int)answer.Status is >= 200 and < 300 : answer.Status == wanted;
            if (done || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(200);
        }
    }
}
