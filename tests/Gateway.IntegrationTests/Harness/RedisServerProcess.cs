using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Harness;

/// <summary>A real Debian <c>redis-server</c> on a free loopback port, nothing persisted, killed on dispose.</summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly ChildProcess _process;

    private RedisServerProcess(TempDirectory dir, ChildProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis connection string, also what <c>Gateway__Store</c> takes.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public OutputBuffer Output => _process.Output;

    public static async Task<RedisServerProcess> StartAsync()
    {
        var dir = new TempDirectory("redis");
        var port = FreePort.Next();
        string[] args = ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.Path];
        ChildProcess process;
        try
        {
            process = ChildProcess.Start("redis-server", args, dir.Path);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            dir.Dispose();
            throw new InvalidOperationException("redis-server is not installed (scripts/test.sh installs it).", e);
        }

        var redis = new RedisServerProcess(dir, process, port);
        try
        {
            await Wait.UntilAsync("redis-server", () => PingAsync(port), () => process.HasExited, () => process.Output.Tail(), TimeSpan.FromSeconds(20));
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        return redis;
    }

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

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
