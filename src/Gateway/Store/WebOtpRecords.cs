using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Web-OTP tokens (under their keyed hash): the approved request's fields, and the <c>used</c> slot the first
/// exact request claims with the bind-once rule (the token hash carries the lifetime).
/// </summary>
internal sealed class WebOtpRecords(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard,
    ReplicaConfirmation? replicas = null)
{
    private const string UsedField = "used";

    /// <summary>What the first exact request writes into the token's <c>used</c> slot.</summary>
    private const string UsedMark = "1";

    public async ValueTask IssueAsync(string tokenHash, IEnumerable<KeyValuePair<string, string>> fields, TimeSpan lifetime, CancellationToken cancellation)
    {
        var key = StoreKeys.WebOtpToken(tokenHash);
        await guard.ExecuteAsync(async ct =>
        {
            var tx = store.GetDatabase().CreateTransaction();
            _ = tx.HashSetAsync(key, [.. fields.Select(f => new HashEntry(f.Key, f.Value))]);
            _ = tx.KeyExpireAsync(key, lifetime);
            return await tx.ExecuteAsync();
        }, cancellation);
    }

    /// <summary>The named fields, null where absent; <c>used</c> reads as "1" once the token was claimed.</summary>
    public async ValueTask<string?[]> ReadAsync(string tokenHash, string[] fields, CancellationToken cancellation)
    {
        var values = await guard.ExecuteAsync(async _ => await store.GetDatabase().HashGetAsync(StoreKeys.WebOtpToken(tokenHash), [.. fields.Select(f => (RedisValue)f)]), cancellation);
        return [.. values.Select(v => (string?)v)];
    }

    /// <summary>True for the one caller that claims the token first (bind-once on its <c>used</c> slot).</summary>
    public async ValueTask<bool> ClaimAsync(string tokenHash, CancellationToken cancellation) =>
        await StoreBindings.BindAsync(store, guard, StoreKeys.WebOtpToken(tokenHash), UsedField, UsedMark, TimeSpan.Zero, cancellation, replicas) == BindResult.Claimed;

    public ValueTask<bool> IsClaimedAsync(string tokenHash, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => await store.GetDatabase().HashExistsAsync(StoreKeys.WebOtpToken(tokenHash), UsedField), cancellation);
}
