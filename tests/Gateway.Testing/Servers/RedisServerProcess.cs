using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Gateway.Testing;

/// <summary>
/// One Debian <c>redis-server</c> on a free loopback port in its own temp folder, nothing persisted: a plain store,
/// or one member of a replicated set (a primary, a replica, a sentinel or a cluster node: <see cref="RedisSentinelSet"/>,
/// <see cref="RedisClusterSet"/>). Failure tests kill it (as a crash would) or freeze it; dispose kills it.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private const int StartAttempts = 3;

    private readonly TempDirectory _dir;
    private ChildProcess? _process;
    private bool _frozen;

    private RedisServerProcess(TempDirectory dir, ChildProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    /// <summary>StackExchange.Redis connection string, also what <c>Gateway__Store</c> takes.</summary>
    public string ConnectionString => EndPoint;

    public OutputBuffer Output => _process?.Output ?? new OutputBuffer();

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A plain store: no replication, no persistence.</summary>
    public static Task<RedisServerProcess> StartAsync() => StartAsync("store", []);

    /// <param name="role">Names the temp folder and the start-up error (primary, replica, sentinel, cluster3…).</param>
    /// <param name="configuration">Lines of <c>redis.conf</c> after port, bind, dir and no persistence.</param>
    /// <param name="sentinel">Run as <c>redis-server … --sentinel</c> (Debian's redis-sentinel is the same binary).</param>
    public static async Task<RedisServerProcess> StartAsync(string role, IReadOnlyList<string> configuration, bool sentinel = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var dir = new TempDirectory("redis-" + role);
            var port = FreePort.Next();
            var conf = dir.Combine("redis.conf");
            await File.WriteAllLinesAsync(conf, [$"port {port}", "bind 127.0.0.1", $"dir {dir.Path}", "save \"\"", "appendonly no", .. configuration]);
            ChildProcess process;
            try
            {
                process = ChildProcess.Start("redis-server", sentinel ? [conf, "--sentinel"] : [conf], dir.Path);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                dir.Dispose();
                throw new InvalidOperationException("redis-server is not installed (scripts/test.sh installs it).", e);
            }

            var server = new RedisServerProcess(dir, process, port);
            try
            {
                await Wait.UntilAsync($"redis {role} on {port}", () => PingAsync(port), () => process.HasExited, () => process.Output.Tail(),
                    TimeSpan.FromSeconds(20), pollInterval: TimeSpan.FromMilliseconds(20));
                return server;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts && process.HasExited)
            {
                // Most likely the free port was taken between FreePort and the bind (FreePort's remarks): another one.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// A new client of this server, for tests that drive the store's classes in process; the caller disposes it. After
    /// <see cref="Kill"/> it stays, reconnecting (a store that went away).
    /// </summary>
    public async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { EndPoint }, AbortOnConnectFail = true, ConnectTimeout = 1000 });

    /// <summary>Sends an inline <c>PING</c> and expects <c>+PONG</c>.</summary>
    public static async Task<bool> PingAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }

    /// <summary>SIGKILL: no shutdown, no last replication.</summary>
    public void Kill()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>SIGSTOP: the process holds its sockets but answers nothing (a hung or partitioned server).</summary>
    public Task FreezeAsync() => SignalAsync("-STOP", frozen: true);

    public Task ThawAsync() => SignalAsync("-CONT", frozen: false);

    private async Task SignalAsync(string signal, bool frozen)
    {
        _frozen = frozen;
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_frozen && _process is not null)
        {
            await ThawAsync();
        }

        Kill();
        _dir.Dispose();
    }
}
