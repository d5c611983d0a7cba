using System.Diagnostics;
using StackExchange.Redis;

namespace Gateway.Testing;

/// <summary>
/// Three primaries with two replicas each, made with <c>redis-cli --cluster create</c> on loopback; node timeout 1 s,
/// so a killed primary's replica takes over within a few seconds, and still has a replica to confirm writes
/// (<c>ConfirmReplicas=1</c>, docs/SCALING.md).
/// </summary>
public sealed class RedisClusterSet : IAsyncDisposable
{
    private RedisClusterSet(IReadOnlyList<RedisServerProcess> nodes) => Nodes = nodes;

    /// <summary>As created: the first three are the primaries (redis-cli's choice), the others replicas.</summary>
    public IReadOnlyList<RedisServerProcess> Nodes { get; }

    /// <summary>What <c>Gateway__Store</c> takes: every node (any one would do; the client learns the rest).</summary>
    public string ConnectionString => string.Join(",", Nodes.Select(n => n.EndPoint));

    public static async Task<RedisClusterSet> StartAsync()
    {
        var nodes = new List<RedisServerProcess>();
        try
        {
            for (var i = 0; i < 9; i++)
            {
                nodes.Add(await RedisServerProcess.StartAsync("cluster" + i, ["cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 1000"]));
            }

            var create = Process.Start(new ProcessStartInfo("redis-cli",
                ["--cluster", "create", .. nodes.Select(n => n.EndPoint), "--cluster-replicas", "2", "--cluster-yes"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = await create.StandardOutput.ReadToEndAsync() + await create.StandardError.ReadToEndAsync();
            await create.WaitForExitAsync();
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException("redis-cli --cluster create failed:\n" + output);
            }

            var cluster = new RedisClusterSet(nodes);
            await cluster.WaitUntilHealthyAsync();
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The running node serving <paramref name="key"/>'s slot as primary.</summary>
    public async Task<RedisServerProcess> PrimaryOfAsync(string key)
    {
        await using var client = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",abortConnect=false,allowAdmin=true");
        var port = client.GetServer((RedisKey)key).EndPoint switch
        {
            System.Net.IPEndPoint ip => ip.Port,
            System.Net.DnsEndPoint dns => dns.Port,
            var other => throw new InvalidOperationException($"Unexpected end point {other}"),
        };
        return Nodes.Single(n => n.IsRunning && n.Port == port);
    }

    /// <summary>Every running node reports <c>cluster_state:ok</c> (all slots served), and every replica is linked to its primary.</summary>
    public async Task WaitUntilHealthyAsync()
    {
        await Wait.UntilAsync("cluster state ok", async () =>
        {
            foreach (var node in Nodes.Where(n => n.IsRunning))
            {
                await using var client = await ConnectionMultiplexer.ConnectAsync($"{node.EndPoint},abortConnect=false,allowAdmin=true,connectTimeout=1000");
                var info = (string?)await client.GetServer(node.EndPoint).ExecuteAsync("CLUSTER", "INFO");
                if (info is null || !info.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return false;
                }

                // A replica still in its first sync cannot confirm a write (WAIT): the gateway would answer 503.
                var replication = (string?)await client.GetServer(node.EndPoint).ExecuteAsync("INFO", "replication");
                if (replication is null || (replication.Contains("role:slave", StringComparison.Ordinal) && !replication.Contains("master_link_status:up", StringComparison.Ordinal)))
                {
                    return false;
                }
            }

            return true;
        }, () => false, () => string.Join("\n", Nodes.Select(n => n.Output.Tail())), TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
