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
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _multiplexer;

    public IConnectionMultiplexer Multiplexer => _multiplexer ?? throw new InvalidOperationException("Not started");

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _multiplexer = await _server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (_multiplexer is not null)
        {
            await _multiplexer.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
