using System.Diagnostics;

namespace Gateway.IntegrationTests.Harness;

/// <summary>
/// One Debian <c>redis-server</c> of a replicated set (a primary, a replica, a sentinel or a cluster node) on a free
/// loopback port, in its own temp folder, nothing persisted. Failure tests kill it (as a crash would) or freeze it.
/// </summary>
internal sealed class RedisNodeProcess : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private ChildProcess? _process;

    private RedisNodeProcess(TempDirectory dir, ChildProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    public OutputBuffer Output => _process?.Output ?? new OutputBuffer();

    public bool IsRunning => _process is { HasExited: false };

    /// <param name="configuration">Lines of <c>redis.conf</c> after port, bind, dir and no persistence.</param>
    /// <param name="sentinel">Run as <c>redis-server … --sentinel</c> (Debian's redis-sentinel is the same binary).</param>
    public static async Task<RedisNodeProcess> StartAsync(string role, IEnumerable<string> configuration, bool sentinel = false)
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

        var node = new RedisNodeProcess(dir, process, port);
        try
        {
            await Wait.UntilAsync($"redis {role} on {port}", () => RedisServerProcess.PingAsync(port), () => process.HasExited, () => process.Output.Tail(), TimeSpan.FromSeconds(20));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>SIGKILL: no shutdown, no last replication.</summary>
    public void Kill()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>SIGSTOP: the process holds its sockets but answers nothing (a hung or partitioned server).</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    public Task ThawAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await ThawAsync();
        }

        Kill();
        _dir.Dispose();
    }
}
