using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>Which credential a spent recovery code is bound to, for the rest of the npm command that spent it.</summary>
internal sealed class RecoveryCodeBindings(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard,
    ReplicaConfirmation replicas)
{
    /// <summary>The credential the code is bound to, or null when it is not (yet, or any more).</summary>
    public ValueTask<string?> OwnerAsync(string username, string codeHash, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (string?)await store.GetDatabase().StringGetAsync(StoreKeys.UsedRecoveryCode(username, codeHash)), cancellation);

    /// <summary>Binds a just-consumed code to <paramref name="credentialId"/> for <paramref name="lifetime"/> (bind-once).</summary>
    public ValueTask<BindResult> BindAsync(string username, string codeHash, string credentialId, TimeSpan lifetime, CancellationToken cancellation) =>
        StoreBindings.BindAsync(store, guard, StoreKeys.UsedRecoveryCode(username, codeHash), field: null, credentialId, lifetime, replicas, cancellation);
}
