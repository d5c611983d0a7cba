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
/// A user's own list exists only for an account the gateway knows: it is written when the user has a 2FA record
/// (<see cref="StoreKeys.User"/>) or already has a list, so an event naming a made-up account (a refused sign-in)
/// creates no key for it. Each write refreshes the list's expiry (<see cref="PerUserLifetime"/>).
/// </para>
/// </summary>
internal sealed class AuditRecords(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    /// <summary>How many events each user's own list keeps (the account page shows them).</summary>
    public const int PerUser = 50;

    /// <summary>How long a user's list is kept after its last event (about 13 months: a year's history and then some).</summary>
    public static readonly TimeSpan PerUserLifetime = TimeSpan.FromDays(400);

    // Both keys carry the user's tag: one slot. ARGV: entry, cap, lifetime (s).
    private const string PushIfKnown = """
        if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
        redis.call('LPUSH', KEYS[2], ARGV[1])
        redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
        redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
        return 1
        """;

    public async ValueTask AppendAsync(string entry, string? username, int keep, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async __ =>
        {
            var shared = PushCapped(StoreKeys.AuditTrail, entry, keep);
            var own = username is not null && Accounts.Usernames.IsWellFormed(username)
                ? store.GetDatabase().ScriptEvaluateAsync(PushIfKnown, [StoreKeys.User(username), StoreKeys.UserAuditTrail(username)],
                    [entry, PerUser, (long)PerUserLifetime.TotalSeconds])
                : Task.FromResult(RedisResult.Create(0));
            return await shared && !(await own).IsNull;
        }, cancellation);

    private Task<bool> PushCapped(RedisKey key, string entry, int keep)
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
