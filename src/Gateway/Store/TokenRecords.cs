using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// What the gateway enforces for each token created through it (the attributes, as JSON), under the keyed hash
/// of the token's credential and the user who owns it, and the index from the registry's token key (what
/// <c>npm token revoke</c> names) to that hash.
/// </summary>
internal sealed class TokenRecords(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    public async ValueTask SaveAsync(string username, string credentialId, string? registryKey, string attributesJson, TimeSpan? lifetime, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async ct =>
        {
            var tx = store.GetDatabase().CreateTransaction();
            _ = tx.StringSetAsync(StoreKeys.Token(username, credentialId), attributesJson, lifetime, When.Always);
            if (registryKey is not null)
            {
                _ = tx.HashSetAsync(StoreKeys.TokenKeys(username), registryKey, credentialId);
            }

            return await tx.ExecuteAsync();
        }, cancellation);

    /// <summary>The token's attributes (JSON), or null when the gateway has no record of it.</summary>
    public async ValueTask<string?> FindAsync(string username, string credentialId, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => (string?)await store.GetDatabase().StringGetAsync(StoreKeys.Token(username, credentialId)), cancellation);

    /// <summary>Forgets the token the registry knows by <paramref name="registryKey"/>; true when there was a record.</summary>
    public ValueTask<bool> ForgetAsync(string username, string registryKey, CancellationToken cancellation) =>
        guard.ExecuteAsync(async ct =>
        {
            var db = store.GetDatabase();
            var credentialId = await db.HashGetAsync(StoreKeys.TokenKeys(username), registryKey);
            if (credentialId.IsNull)
            {
                return false;
            }

            var tx = db.CreateTransaction();
            _ = tx.KeyDeleteAsync(StoreKeys.Token(username, credentialId!));
            _ = tx.HashDeleteAsync(StoreKeys.TokenKeys(username), registryKey);
            return await tx.ExecuteAsync();
        }, cancellation);

    /// <summary>Registry token key → attributes (JSON), for <c>npm token list</c>; keys whose record expired are left out.</summary>
    public ValueTask<IReadOnlyDictionary<string, string>> ListAsync(string username, CancellationToken cancellation) =>
        guard.ExecuteAsync<IReadOnlyDictionary<string, string>>(async _ =>
        {
            var db = store.GetDatabase();
            var index = await db.HashGetAllAsync(StoreKeys.TokenKeys(username));
            var records = await db.StringGetAsync([.. index.Select(e => StoreKeys.Token(username, e.Value!))]);
            var list = new Dictionary<string, string>();
            for (var i = 0; i < index.Length; i++)
            {
                if (!records[i].IsNull)
                {
                    list[index[i].Name!] = records[i]!;
                }
            }

            return list;
        }, cancellation);
}
