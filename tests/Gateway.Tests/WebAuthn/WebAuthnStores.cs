using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Store;
using StackExchange.Redis;

namespace Gateway.Tests.WebAuthn;

/// <summary>A real store the security-key tests run on (docs/ARCHITECTURE.md#tests: real-but-hermetic, no mocks).</summary>
public interface IWebAuthnStore
{
    IConnectionMultiplexer Multiplexer { get; }
}

/// <summary>The gateway's default store: Garnet embedded in process, in a temporary folder.</summary>
public sealed class WebAuthnGarnetStore : IWebAuthnStore, IAsyncLifetime
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "gw-webauthn-garnet-" + Guid.NewGuid().ToString("N"));
    private StoreConnection? _connection;

    public IConnectionMultiplexer Multiplexer => _connection?.Multiplexer ?? throw new InvalidOperationException("Not started");

    public async Task InitializeAsync() => _connection = await StoreConnection.ConnectAsync(StoreConnection.EmbeddedSetting, _dataPath);

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        Directory.Delete(_dataPath, recursive: true);
    }
}

/// <summary>A shared deployment's store: Debian's <c>redis-server</c> on a free loopback port, nothing persisted.</summary>
public sealed class WebAuthnRedisStore : IWebAuthnStore, IAsyncLifetime
{
    private Process? _process;
    private ConnectionMultiplexer? _multiplexer;

    public IConnectionMultiplexer Multiplexer => _multiplexer ?? throw new InvalidOperationException("Not started");

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _process = Process.Start(new ProcessStartInfo("/usr/bin/redis-server")
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                _multiplexer = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
                {
                    EndPoints = { { IPAddress.Loopback, port } },
                    ConnectTimeout = 1000,
                });
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_multiplexer is not null)
        {
            await _multiplexer.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
