using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Web-OTP tokens (under their keyed hash, one hash key per token, so every script touches one slot): the
/// approved request's fields, the <c>used</c> slot the first exact request claims with the bind-once rule, and
/// the <c>followUps</c> budget the follow-up requests of the same command spend, one each (the token hash
/// carries the lifetime).
/// </summary>
internal sealed class WebOtpRecords(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard,
    ReplicaConfirmation replicas)
{
    private const string UsedField = "used";

    /// <summary>What the first exact request writes into the token's <c>used</c> slot.</summary>
    private const string UsedMark = "1";

    /// <summary>
    /// KEYS[1]: the token. Spends one follow-up: only after the approved request claimed the token, and only
    /// while the budget lasts. Returns 1 (spent), 0 (budget used up) or -1 (not claimed yet, or expired). A
    /// missing key is never written (no token without its lifetime).
    /// </summary>
    private const string SpendFollowUpScript = """
        if redis.call('HEXISTS', KEYS[1], 'used') == 0 then return -1 end
        local left = tonumber(redis.call('HGET', KEYS[1], 'followUps') or '0') or 0
        if left <= 0 then return 0 end
        redis.call('HINCRBY', KEYS[1], 'followUps', -1)
        return 1
        """;

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
        await StoreBindings.BindAsync(store, guard, StoreKeys.WebOtpToken(tokenHash), UsedField, UsedMark, TimeSpan.Zero, replicas, cancellation) == BindResult.Claimed;

    /// <summary>True when one follow-up of the claimed token was spent now; false once the budget is gone (or before the claim).</summary>
    public async ValueTask<bool> SpendFollowUpAsync(string tokenHash, CancellationToken cancellation)
    {
        var key = StoreKeys.WebOtpToken(tokenHash);
        var spent = await guard.ExecuteAsync(async _ =>
        {
            var answer = (long)await store.GetDatabase().ScriptEvaluateAsync(SpendFollowUpScript, [key]);
            if (answer == 1)
            {
                // A spend a failover could lose would let the follow-up be made again (ReplicaConfirmation).
                await replicas.ConfirmAsync(key);
            }

            return answer;
        }, cancellation);
        return spent == 1;
    }
}
