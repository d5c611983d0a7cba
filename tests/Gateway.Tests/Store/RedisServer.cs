using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>
/// A real <c>redis-server</c> on 127.0.0.1 and a free port, nothing persisted; killed on dispose.
/// Unit tests of classes whose behaviour lives in the store (Lua scripts, SET NX, TTLs) run against it
/// rather than a mock (docs/ARCHITECTURE.md#tests).
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";
    private readonly Process _process;

    private RedisServer(Process process, int port, ConnectionMultiplexer multiplexer)
    {
        _process = process;
        Port = port;
        Multiplexer = multiplexer;
    }

    public int Port { get; }

    public ConnectionMultiplexer Multiplexer { get; }

    public static async Task<RedisServer> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var process = Process.Start(new ProcessStartInfo(Executable)
            {
                ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            }) ?? throw new InvalidOperationException($"{Executable} did not start");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var multiplexer = await ConnectAsync(port, process);
                return new RedisServer(process, port, multiplexer);
            }
            catch (Exception) when (attempt < 3)
            {
                Kill(process);
            }
        }
    }

    /// <summary>Kills the server (a store that goes away); the multiplexer stays, reconnecting.</summary>
    public void Kill() => Kill(_process);

    public async ValueTask DisposeAsync()
    {
        await Multiplexer.DisposeAsync();
        Kill(_process);
    }

    /// <summary>A port with nothing listening on it: bound, read, released.</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(int port, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {port} exited with {process.ExitCode}");
            }

            try
            {
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
                {
                    EndPoints = { { IPAddress.Loopback, port } },
                    AbortOnConnectFail = true,
                    ConnectTimeout = 1000,
                });
                await multiplexer.GetDatabase().PingAsync();
                return multiplexer;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
