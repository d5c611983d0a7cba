using Gateway.Security;
using Gateway.Store;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>A real store for unit tests, with the one Data Protection key ring every user of it shares.</summary>
public interface IStoreFixture
{
    IConnectionMultiplexer Multiplexer { get; }

    /// <summary>
    /// One key ring per store, as in production: <see cref="KeyedHasher"/> keeps its HMAC key in the store
    /// encrypted with it, so a hasher over another (ephemeral) key ring could not read that key.
    /// </summary>
    IDataProtectionProvider Protection { get; }
}

/// <summary>One <c>redis-server</c> for the whole <see cref="StoreCollection"/>.</summary>
public sealed class RedisServerFixture : IStoreFixture, IAsyncLifetime
{
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _multiplexer;

    public IConnectionMultiplexer Multiplexer => _multiplexer ?? throw new InvalidOperationException("Not started");

    public IDataProtectionProvider Protection { get; } = new EphemeralDataProtectionProvider();

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

/// <summary>The gateway's default store: Garnet embedded in process, in a temporary data folder.</summary>
public sealed class EmbeddedGarnetFixture : IStoreFixture, IAsyncLifetime
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "gw-unit-garnet-" + Guid.NewGuid().ToString("N"));
    private StoreConnection? _connection;

    public IConnectionMultiplexer Multiplexer => _connection?.Multiplexer ?? throw new InvalidOperationException("Not started");

    public IDataProtectionProvider Protection { get; } = new EphemeralDataProtectionProvider();

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

/// <summary>Test classes that need a real store share these servers (started once per run).</summary>
[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<RedisServerFixture>, ICollectionFixture<EmbeddedGarnetFixture>
{
    public const string Name = "store";
}

internal static class TestUsers
{
    /// <summary>Every test its own user, so tests sharing a store never see each other's keys.</summary>
    public static string Unique(string prefix = "user") => prefix + "-" + Guid.NewGuid().ToString("N")[..12];
}
