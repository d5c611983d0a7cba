using Gateway.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// After a write that spends a code: Redis <c>WAIT</c> on the primary that holds <c>key</c>, until the configured
/// number of replicas confirm every write this connection made before (<see cref="StoreReplicationOptions"/>).
/// Too few in time → a <see cref="RedisException"/>, which the store guard turns into 503: the code is refused
/// rather than accepted on a write a failover could lose (docs/SCALING.md, "Replication lag").
/// </summary>
internal sealed class ReplicaConfirmation(IConnectionMultiplexer store, IOptions<StoreReplicationOptions> options)
{
    /// <summary>Confirms nothing: one server, the embedded store, and unit tests of single classes.</summary>
    public static readonly ReplicaConfirmation None = new(null!, Options.Create(new StoreReplicationOptions()));

    public async Task ConfirmAsync(RedisKey key)
    {
        var replicas = options.Value.ConfirmReplicas;
        if (replicas == 0)
        {
            return;
        }

        // The server that owns the key's slot, reached over the same connection as the write: WAIT covers it.
        var confirmed = (long)await store.GetServer(key).ExecuteAsync("WAIT", replicas, (long)options.Value.ConfirmTimeout.TotalMilliseconds);
        if (confirmed < replicas)
        {
            throw new RedisException($"A write was confirmed by {confirmed} of the {replicas} replicas required (Gateway:StoreReplication:ConfirmReplicas).");
        }
    }
}
