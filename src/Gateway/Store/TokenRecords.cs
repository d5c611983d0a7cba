using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// What the gateway enforces for each token created through it (the attributes, as JSON), under the keyed hash
/// of the token's credential and the user who owns it; the index from the registry's token key (what
/// <c>npm token revoke</c> names) to that hash; and the global owner index (<see cref="StoreKeys.TokenOwner"/>)
/// from the hash to the user, through which reads find the record without knowing who is calling.
/// <para>
/// The owner index lives in another Redis Cluster slot than the user's keys, so it cannot share their
/// transaction. The order keeps one invariant instead: <b>a record never exists without its owner index</b>
/// (a record the index does not lead to would let its token read every package). So the index is written before
/// the record (and lives a day longer), and removed after it. A failure in between leaves an index without a
/// record, which finds nothing: the same as no record, and the token creation it belonged to fails (503) before
/// the client sees the token. Records written before the index existed get theirs at start-up
/// (<see cref="TokenOwnerIndex"/>).
/// </para>
/// </summary>
internal sealed class TokenRecords(
    IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard, ReplicaConfirmation replicas)
{
    /// <summary>How much longer the owner index lives than the record it leads to (it is written first).</summary>
    internal static readonly TimeSpan OwnerIndexMargin = TimeSpan.FromDays(1);

    public async ValueTask SaveAsync(string username, string credentialId, string? registryKey, string attributesJson, TimeSpan? lifetime, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async ct =>
        {
            var db = store.GetDatabase();
            // First the owner index, confirmed, then the record: never a record that reads cannot find.
            await db.StringSetAsync(StoreKeys.TokenOwner(credentialId), StoreKeys.Checked(username), lifetime + OwnerIndexMargin, When.Always);
            await replicas.ConfirmAsync(StoreKeys.TokenOwner(credentialId));
            var tx = db.CreateTransaction();
            _ = tx.StringSetAsync(StoreKeys.Token(username, credentialId), attributesJson, lifetime, When.Always);
            if (registryKey is not null)
            {
                _ = tx.HashSetAsync(StoreKeys.TokenKeys(username), registryKey, credentialId);
            }

            var written = await tx.ExecuteAsync();
            // A record a failover lost would leave the token without its limits: confirmed like a spent code.
            await replicas.ConfirmAsync(StoreKeys.Token(username, credentialId));
            return written;
        }, cancellation);

    /// <summary>The token's attributes (JSON), or null when the gateway has no record of it.</summary>
    public async ValueTask<string?> FindAsync(string username, string credentialId, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => (string?)await store.GetDatabase().StringGetAsync(StoreKeys.Token(username, credentialId)), cancellation);

    /// <summary>
    /// The token's attributes (JSON) found through the owner index, for requests whose caller nobody asked the
    /// registry about (reads); null when the gateway has no record of it. Two round trips (the index, then the
    /// record in the owner's slot); callers cache the answer.
    /// </summary>
    public async ValueTask<string?> FindAsync(string credentialId, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var db = store.GetDatabase();
            var owner = (string?)await db.StringGetAsync(StoreKeys.TokenOwner(credentialId));
            return owner is not null && Accounts.Usernames.IsWellFormed(owner)
                ? (string?)await db.StringGetAsync(StoreKeys.Token(owner, credentialId))
                : null;
        }, cancellation);

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
            var forgotten = await tx.ExecuteAsync();
            // The owner index last: it must never be missing while the record exists.
            await db.KeyDeleteAsync(StoreKeys.TokenOwner(credentialId!));
            return forgotten;
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
