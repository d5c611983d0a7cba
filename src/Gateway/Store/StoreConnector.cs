using Gateway.Configuration;

namespace Gateway.Store;

/// <summary>
/// Holds the process's one <see cref="StoreConnection"/>, made once at start-up by
/// <see cref="StoreRegistration.ConnectStoreAsync"/>. The container hands out the connection from here, so no
/// service factory has to block on connecting (or on replaying the embedded store's files).
/// </summary>
internal sealed class StoreConnector
{
    private StoreConnection? _connection;

    public StoreConnection Connection => _connection
        ?? throw new InvalidOperationException("The store is connected at start-up (ConnectStoreAsync in Program.cs) before anything uses it.");

    public async Task ConnectAsync(GatewayOptions options, EmbeddedStoreOptions compaction, ILoggerFactory loggers, CancellationToken cancellation)
    {
        _connection ??= await StoreConnection.ConnectAsync(options.Store, options.DataPath, loggers, cancellation, compaction);
    }
}
