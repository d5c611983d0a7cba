using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// The audit trail in the store: every event, as one JSON line, pushed onto a capped list shared by all
/// instances (<see cref="StoreKeys.AuditTrail"/>) and onto the user's own short list
/// (<see cref="StoreKeys.UserAuditTrail"/>) for the account page: one transaction per list, since the two lists
/// live in different Cluster slots. Lists rather than
/// Redis streams: <c>LPUSH</c> + <c>LTRIM</c> behave the same on Redis and on the embedded Garnet, and the
/// cap is exact. Newest first. The entries are written by <c>Audit/AuditTrail</c>, which keeps secrets out.
/// <para>
/// An event of a caller who proved nothing (a wrong password) goes to the user's own list only for an account the
/// gateway knows: one with a 2FA record (<see cref="StoreKeys.User"/>) or a list already, so a made-up name gets no
/// key. Every write refreshes the list's expiry (<see cref="PerUserLifetime"/>).
/// </para>
/// </summary>
internal sealed class AuditRecords(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    /// <summary>How many events each user's own list keeps (the account page shows them).</summary>
    public const int PerUser = 50;

    /// <summary>How long a user's list is kept after its last event (about 13 months: a year's history and then some).</summary>
    public static readonly TimeSpan PerUserLifetime = TimeSpan.FromDays(400);

    /// <param name="knownAccountsOnly">The event's caller proved nothing: write the user's list only if the gateway knows the account.</param>
    public async ValueTask AppendAsync(string entry, string? username, int keep, CancellationToken cancellation, bool knownAccountsOnly = false) =>
        await guard.ExecuteAsync(async __ =>
        {
            var shared = PushShared(StoreKeys.AuditTrail, entry, keep);
            var own = username is not null && Accounts.Usernames.IsWellFormed(username)
                ? PushOwnAsync(username, entry, knownAccountsOnly)
                : Task.FromResult(true);
            return await shared && await own;
        }, cancellation);

    /// <summary>
    /// The user's list: pushed, capped and its expiry refreshed in one transaction; for a caller who proved nothing only when the
    /// account has a record or a list (one <c>EXISTS</c> of both keys, same slot: a race with a deletion only keeps one event more).
    /// </summary>
    private async Task<bool> PushOwnAsync(string username, string entry, bool knownAccountsOnly)
    {
        var db = store.GetDatabase();
        RedisKey list = StoreKeys.UserAuditTrail(username);
        if (knownAccountsOnly && await db.KeyExistsAsync([StoreKeys.User(username), list]) == 0)
        {
            return true;
        }

        var tx = db.CreateTransaction();
        _ = tx.ListLeftPushAsync(list, entry);
        _ = tx.ListTrimAsync(list, 0, PerUser - 1);
        _ = tx.KeyExpireAsync(list, PerUserLifetime);
        return await tx.ExecuteAsync();
    }

    private Task<bool> PushShared(RedisKey key, string entry, int keep)
    {
        var tx = store.GetDatabase().CreateTransaction();
        _ = tx.ListLeftPushAsync(key, entry);
        _ = tx.ListTrimAsync(key, 0, keep - 1);
        return tx.ExecuteAsync();
    }

    /// <summary>The newest <paramref name="count"/> entries of the whole trail, or of one user's list.</summary>
    public ValueTask<string[]> NewestAsync(string? username, int count, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ =>
        {
            RedisKey key = username is null ? StoreKeys.AuditTrail : StoreKeys.UserAuditTrail(username);
            var values = await store.GetDatabase().ListRangeAsync(key, 0, count - 1);
            return values.Select(v => v.ToString()).ToArray();
        }, cancellation);
}
