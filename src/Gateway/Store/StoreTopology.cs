using Gateway.Configuration;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>What start-up can tell about the store's replication, and says when the configuration does not match it.</summary>
internal static partial class StoreTopology
{
    /// <summary>
    /// Replicas present but <c>Gateway:StoreReplication:ConfirmReplicas</c> 0: a failover can lose a code's binding and
    /// accept the code again (docs/SCALING.md, "Replication lag"). A warning, not a refusal: the operator may accept it.
    /// </summary>
    public static void WarnIfReplicasUnconfirmed(IConnectionMultiplexer store, StoreReplicationOptions options, ILogger logger)
    {
        var replicas = store.GetServers().Count(s => s.IsReplica);
        if (replicas > 0 && options.ConfirmReplicas == 0)
        {
            LogUnconfirmed(logger, replicas);
        }
    }

    [LoggerMessage(EventId = LogEvents.StoreReplicasUnconfirmed, Level = LogLevel.Warning,
        Message = "The store has {Replicas} replica(s) but Gateway:StoreReplication:ConfirmReplicas is 0: a failover can lose a spent code's binding (docs/SCALING.md)")]
    private static partial void LogUnconfirmed(ILogger logger, int replicas);
}
