using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Trusted publishing's state, where every instance reads it: each package's one trust configuration (JSON) and the set
/// of packages that have one (for the account page), and the
/// id tokens already exchanged (by keyed hash of <c>iss</c> and <c>jti</c>, until they expire), so none is exchanged twice.
/// </summary>
internal sealed class TrustRecords(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard, ReplicaConfirmation replicas)
{
    private const string DeleteIfScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    public async ValueTask<string?> GetAsync(string package, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => (string?)await store.GetDatabase().StringGetAsync(StoreKeys.PackageTrust(package)), cancellation);

    /// <returns>False when the package already has one (npm: one configuration per package; revoke first).</returns>
    public async ValueTask<bool> CreateAsync(string package, string json, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var created = await store.GetDatabase().StringSetAsync(StoreKeys.PackageTrust(package), json, expiry: null, When.NotExists);
            if (created)
            {
                await store.GetDatabase().SetAddAsync(StoreKeys.TrustedPackages, package);
                await replicas.ConfirmAsync(StoreKeys.PackageTrust(package));
            }

            return created;
        }, cancellation);

    /// <summary>Deletes the configuration only if it is still <paramref name="json"/> (the one the caller named by id).</summary>
    public async ValueTask<bool> DeleteAsync(string package, string json, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var deleted = (long)(await store.GetDatabase().ScriptEvaluateAsync(DeleteIfScript, [StoreKeys.PackageTrust(package)], [json]))! == 1;
            if (deleted)
            {
                await store.GetDatabase().SetRemoveAsync(StoreKeys.TrustedPackages, package);
                await replicas.ConfirmAsync(StoreKeys.PackageTrust(package));
            }

            return deleted;
        }, cancellation);

    /// <summary>The packages that have (or, for a moment after a removal, had) a trust configuration.</summary>
    public async ValueTask<IReadOnlyList<string>> PackagesAsync(CancellationToken cancellation) =>
        await guard.ExecuteAsync<IReadOnlyList<string>>(async _ => [.. (await store.GetDatabase().SetMembersAsync(StoreKeys.TrustedPackages)).Select(v => (string)v!)], cancellation);

    /// <summary>Marks an id token exchanged until <paramref name="lifetime"/> ends; false when it already was (a replay).</summary>
    public async ValueTask<bool> TryUseIdTokenAsync(string tokenIdHash, TimeSpan lifetime, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var first = await store.GetDatabase().StringSetAsync(StoreKeys.ExchangedIdToken(tokenIdHash), "1", lifetime, When.NotExists);
            if (first)
            {
                // A failover that lost the mark would let the same id token be exchanged again.
                await replicas.ConfirmAsync(StoreKeys.ExchangedIdToken(tokenIdHash));
            }

            return first;
        }, cancellation);
}
