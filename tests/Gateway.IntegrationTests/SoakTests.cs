using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Gateway.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// Mixed traffic through two gateway instances on one redis-server (docs/SCALING.md, "Soak"): reads (anonymous and
/// with a token), protected writes with a valid code, protected writes without one. Reports errors, p99 per kind,
/// store memory per enrolled user, and store commands per read and per protected request. CI runs it for
/// <c>SOAK_SECONDS</c> = 10 with 4 users; <c>scripts/soak.sh</c> runs it for 10 minutes and keeps the report.
/// </summary>
[Collection(ThirdRegistryCollection.Name)]
public sealed class SoakTests(RegistryFixture registry, ITestOutputHelper output)
{
    private const int Workers = 8;

    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("SOAK_SECONDS"), out var s) ? s : 10;

    private static int Users => int.TryParse(Environment.GetEnvironmentVariable("SOAK_USERS"), out var u) ? u : 4;

    [Fact]
    public async Task TwoInstancesOneRedis_MixedTraffic_NoErrors_ReadsNeedNoStoreCommand()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var counters = await StoreCounters.ConnectAsync(redis.ConnectionString);
        var started = await Task.WhenAll(StartGatewayAsync(redis), StartGatewayAsync(redis));
        await using var a = started[0];
        await using var b = started[1];
        GatewayProcess[] gateways = [a, b];

        var memoryBefore = await counters.UsedMemoryAsync();
        var users = new List<(TwoFactorUser User, string Package)>();
        for (var i = 0; i < Users; i++)
        {
            var user = await gateways[i % 2].EnrolAsync(await registry.CreateUserAsync("soak"));
            users.Add((user, await PublishAsync(user.User)));
        }

        var memoryPerUser = (await counters.UsedMemoryAsync() - memoryBefore) / Users;
        var keyBytesPerUser = await counters.KeyBytesAsync("gw:user:") / Users;
        var (perRead, perProtected) = await MeasureStoreCommandsAsync(counters, gateways, users[0].User, users[0].Package);

        var samples = new ConcurrentQueue<(string Kind, double Ms, HttpStatusCode Status)>();
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(Seconds);
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var n = 0; clock.Elapsed < end; n++)
            {
                var (user, package) = users[random.Next(users.Count)];
                var gateway = gateways[n % 2];
                var roll = random.Next(100);
                var (kind, send) = roll switch
                {
                    < 45 => ("read", (Func<Task<HttpAnswer>>)(() => gateway.SendAsync(HttpMethod.Get, VerdaccioProcess.EncodeName(package), null))),
                    < 80 => ("read-token", () => gateway.SendAsync(HttpMethod.Get, VerdaccioProcess.EncodeName(package), user.Token)),
                    < 95 => ("protected", async () => await gateway.PutDistTagAsync(user.Token, package, "soak", "1.0.0", await Totp.CodeAsync(user.Secret))),
                    _ => ("unverified", () => gateway.PutDistTagAsync(user.Token, package, "unverified", "1.0.0", otp: null)),
                };
                var started = Stopwatch.GetTimestamp();
                HttpStatusCode status;
                try
                {
                    status = (await send()).Status;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0; // no answer within the client's 30 s: an error like any other
                }

                samples.Enqueue((kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds, status));
            }
        })));

        var memoryAtEnd = await counters.UsedMemoryAsync();
        var expected = new Dictionary<string, HttpStatusCode[]>
        {
            ["read"] = [HttpStatusCode.OK],
            ["read-token"] = [HttpStatusCode.OK],
            ["protected"] = [HttpStatusCode.OK, HttpStatusCode.Created],
            ["unverified"] = [HttpStatusCode.Unauthorized],
        };
        var errors = samples.Where(s => !expected[s.Kind].Contains(s.Status)).ToList();
        var report = string.Join("\n",
        [
            $"soak: {Seconds} s, {Workers} workers, 2 instances, {Users} enrolled users, {samples.Count} requests ({samples.Count / (double)Seconds:F1}/s), errors: {errors.Count}",
            .. samples.GroupBy(s => s.Kind).OrderBy(g => g.Key).Select(g =>
                $"  {g.Key}: {g.Count()} requests, p50 {Percentile(g, 0.50):F1} ms, p99 {Percentile(g, 0.99):F1} ms, max {g.Max(s => s.Ms):F1} ms, errors {g.Count(s => !expected[g.Key].Contains(s.Status))}"),
            $"store memory per enrolled user: {keyBytesPerUser} bytes in the user's keys (MEMORY USAGE) after enrolment, {await counters.KeyBytesAsync("gw:user:") / Users} at the end; "
                + $"server used_memory per user: {memoryPerUser} bytes after enrolment, {(memoryAtEnd - memoryBefore) / Users} at the end (connections, scripts and whoami answers included)",
            $"store commands: {perRead:F2} per read, {perProtected:F2} per protected request",
        ]);
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("SOAK_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report + "\n");
        }

        Assert.True(errors.Count == 0, report + "\n" + string.Join("\n", errors.Take(10)));
        Assert.Equal(0, perRead);
        Assert.True(perProtected > 0, report);
    }

    /// <summary>Store data commands per request: a batch of reads, then a batch of protected writes, on a warm gateway.</summary>
    private static async Task<(double PerRead, double PerProtected)> MeasureStoreCommandsAsync(StoreCounters counters, GatewayProcess[] gateways, TwoFactorUser user, string package)
    {
        const int Batch = 20;
        await gateways[0].SendAsync(HttpMethod.Get, VerdaccioProcess.EncodeName(package), user.Token);
        var before = await counters.CommandsAsync();
        for (var i = 0; i < Batch; i++)
        {
            await gateways[0].SendAsync(HttpMethod.Get, VerdaccioProcess.EncodeName(package), i % 2 == 0 ? user.Token : null);
        }

        var reads = await counters.CommandsAsync() - before;
        var code = await Totp.CodeAsync(user.Secret);
        await gateways[0].PutDistTagAsync(user.Token, package, "warm", "1.0.0", code);
        before = await counters.CommandsAsync();
        for (var i = 0; i < Batch; i++)
        {
            await gateways[0].PutDistTagAsync(user.Token, package, "measured", "1.0.0", code);
        }

        var writes = await counters.CommandsAsync() - before;
        return (reads / (double)Batch, writes / (double)Batch);
    }

    private static double Percentile(IEnumerable<(string Kind, double Ms, HttpStatusCode Status)> samples, double p)
    {
        var sorted = samples.Select(s => s.Ms).Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private Task<GatewayProcess> StartGatewayAsync(RedisServerProcess redis) => GatewayProcess.StartAsync(registry.Verdaccio.Url, redis.ConnectionString);

    private async Task<string> PublishAsync(RegistryUser user)
    {
        var name = RegistryFixture.UniquePackageName("soak");
        var answer = await registry.Verdaccio.Http.SendRawAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), "Bearer " + user.Token,
            PublishDocuments.Create(name, "1.0.0").ToJsonString(), "application/json");
        Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.Created, answer.ToString());
        return name;
    }
}
