using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// The process's one Redis connection: to the configured Redis, or to an embedded Garnet server started
/// for it when the store setting is <c>embedded</c>. Dispose on shutdown (closes the multiplexer first,
/// then stops the embedded server).
/// </summary>
internal sealed class StoreConnection : IAsyncDisposable, IDisposable
{
    public const string EmbeddedSetting = "embedded";

    private int _disposed;

    private StoreConnection(IConnectionMultiplexer multiplexer, EmbeddedGarnetServer? embedded)
    {
        Multiplexer = multiplexer;
        Embedded = embedded;
    }

    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>The embedded server, or null when an external Redis is used.</summary>
    public EmbeddedGarnetServer? Embedded { get; }

    /// <param name="storeSetting"><c>embedded</c> (also when empty), or a StackExchange.Redis
    /// connection string such as <c>redis1:6379,redis2:6379,password=…</c>.</param>
    /// <param name="dataPath">Data folder; the embedded store keeps its files in <c>{dataPath}/garnet</c>.</param>
    /// <param name="compaction">How the embedded store bounds its append-only file; the defaults when null.</param>
    public static async Task<StoreConnection> ConnectAsync(string? storeSetting, string dataPath,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default, Configuration.EmbeddedStoreOptions? compaction = null)
    {
        if (IsEmbedded(storeSetting))
        {
            return await ConnectEmbeddedAsync(dataPath, loggerFactory, compaction, cancellationToken).ConfigureAwait(false);
        }

        // A real Redis may be down at start or later: never throw for that. The multiplexer reconnects
        // in the background and protected requests fail closed (503) meanwhile (docs/ARCHITECTURE.md#invariants, fail closed).
        var options = ConfigurationOptions.Parse(storeSetting!);
        options.AbortOnConnectFail = false;
        if (loggerFactory is not null)
        {
            StoreExposure.WarnIfExposed(options, loggerFactory.CreateLogger(typeof(StoreConnection)));
        }

        var multiplexer = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        return new StoreConnection(multiplexer, embedded: null);
    }

    public static bool IsEmbedded(string? storeSetting) => Configuration.GatewayOptions.IsEmbeddedStore(storeSetting);

    private static async Task<StoreConnection> ConnectEmbeddedAsync(string dataPath, ILoggerFactory? loggerFactory,
        Configuration.EmbeddedStoreOptions? compaction, CancellationToken cancellationToken)
    {
        // Recovery replays the AOF synchronously; keep it off the caller's thread.
        var server = await Task.Run(() => EmbeddedGarnetServer.Start(dataPath, loggerFactory, compaction), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            // The embedded server is ours and just started: failing to reach it is a start-up error.
            // (AbortOnConnectFail governs only the first connect; later drops reconnect as usual.)
            var options = server.ClientOptions("gateway");
            options.AbortOnConnectFail = true;
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            try
            {
                await multiplexer.GetDatabase().PingAsync().ConfigureAwait(false);
                return new StoreConnection(multiplexer, server);
            }
            catch
            {
                await multiplexer.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Dispose is idempotent on the multiplexer, so a DI container that also owns it (registered as
        // IConnectionMultiplexer from this object) may dispose it first without harm.
        Multiplexer.Dispose();
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>For containers disposed synchronously; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
