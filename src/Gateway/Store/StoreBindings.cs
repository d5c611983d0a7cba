using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>The bind-once primitive (<see cref="BindOnceScript"/>) for the record classes of this folder.</summary>
internal static class StoreBindings
{
    /// <param name="field">A field of the hash at <paramref name="key"/>, or null for a string slot.</param>
    /// <param name="lifetime">A string slot's lifetime (at least 1 ms); a hash field lives as long as its hash.</param>
    public static async ValueTask<BindResult> BindAsync(IConnectionMultiplexer store, DependencyGuard guard,
        RedisKey key, string? field, string claimant, TimeSpan lifetime, ReplicaConfirmation replicas, CancellationToken cancellation)
    {
        var answer = await guard.ExecuteAsync(async _ =>
        {
            var bound = (string?)await store.GetDatabase().ScriptEvaluateAsync(
                BindOnceScript.Bind, [key], [field ?? "", claimant, Math.Max(1L, (long)lifetime.TotalMilliseconds)]);
            // A binding a failover could lose would let the code be spent again (ReplicaConfirmation).
            await replicas.ConfirmAsync(key);
            return bound;
        }, cancellation);
        return BindResults.Parse(answer);
    }
}
