using StackExchange.Redis;

namespace Gateway.Testing;

/// <summary>
/// A primary, two replicas and one sentinel (quorum 1) of service <see cref="ServiceName"/>. Two replicas, so that
/// after one failover the new primary still has one to confirm writes (<c>ConfirmReplicas=1</c>, docs/SCALING.md).
/// Down after 1 s, so a killed primary is replaced within a few seconds.
/// </summary>
public sealed class RedisSentinelSet : IAsyncDisposable
{
    public const string ServiceName = "gwprimary";

    private RedisSentinelSet(RedisServerProcess primary, IReadOnlyList<RedisServerProcess> replicas, RedisServerProcess sentinel)
    {
        Primary = primary;
        Replicas = replicas;
        Sentinel = sentinel;
    }

    public RedisServerProcess Primary { get; }

    public IReadOnlyList<RedisServerProcess> Replicas { get; }

    public RedisServerProcess Sentinel { get; }

    /// <summary>What <c>Gateway__Store</c> takes: the sentinel and the service name (README.md, "Running several instances").</summary>
    public string ConnectionString => $"{Sentinel.EndPoint},serviceName={ServiceName}";

    public static async Task<RedisSentinelSet> StartAsync()
    {
        var primary = await RedisServerProcess.StartAsync("primary", []);
        var replicas = new List<RedisServerProcess>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                replicas.Add(await RedisServerProcess.StartAsync("replica", [$"replicaof 127.0.0.1 {primary.Port}"]));
                await WaitForReplicationAsync(primary, replicas[^1]);
            }

            var sentinel = await RedisServerProcess.StartAsync("sentinel",
            [
                $"sentinel monitor {ServiceName} 127.0.0.1 {primary.Port} 1",
                $"sentinel down-after-milliseconds {ServiceName} 1000",
                $"sentinel failover-timeout {ServiceName} 5000",
            ], sentinel: true);
            return new RedisSentinelSet(primary, replicas, sentinel);
        }
        catch
        {
            await primary.DisposeAsync();
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The port the sentinel currently names as primary (an inline command: sentinels know no ECHO, which clients probe with).</summary>
    public async Task<int> PrimaryPortAsync()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", Sentinel.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"SENTINEL get-master-addr-by-name {ServiceName}\r\n"));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        // *2 $9 127.0.0.1 $5 <port>
        var lines = System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitForReplicationAsync(RedisServerProcess primary, RedisServerProcess replica)
    {
        await using var client = await ConnectionMultiplexer.ConnectAsync($"{replica.EndPoint},abortConnect=false,allowAdmin=true");
        await Wait.UntilAsync("replica in sync", async () =>
            (await client.GetServer(replica.EndPoint).InfoRawAsync("replication") ?? "").Contains("master_link_status:up", StringComparison.Ordinal),
            () => !replica.IsRunning || !primary.IsRunning, () => replica.Output.Tail(), TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        await Sentinel.DisposeAsync();
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }

        await Primary.DisposeAsync();
    }
}
