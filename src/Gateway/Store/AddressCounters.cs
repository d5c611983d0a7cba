using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Wrong passwords per client network (<see cref="StoreKeys.PasswordFailures"/>), in the store so every instance
/// counts the same. The policy (when to back off, for how long) is <c>TwoFactor/PasswordGuesses</c>'s, passed in.
/// Keyed by network only: nothing here names an account.
/// </summary>
internal sealed class AddressCounters(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    // Counts the attempt before it is judged, atomically with the back-off check, so a parallel burst cannot all
    // pass the check before any is counted. ARGV: now (ms), free failures, first back-off (ms), longest (ms), lifetime (s).
    private const string CountUnlessLocked = """
        local now = tonumber(ARGV[1])
        local current = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
        if current > now then return {'locked', current, 0} end
        local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
        local free = tonumber(ARGV[2])
        local lockedUntil = 0
        if count >= free then
          lockedUntil = now + math.floor(math.min(tonumber(ARGV[3]) * (2 ^ (count - free)), tonumber(ARGV[4])))
        end
        redis.call('HSET', KEYS[1], 'lockedUntil', lockedUntil)
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
        return {'counted', lockedUntil, count}
        """;

    // A right password takes back its own count (and the back-off that count started), nothing more: a caller
    // with one valid account cannot wash out its wrong guesses with right ones. ARGV: free failures.
    private const string Refund = """
        local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
        if count <= 0 then return 0 end
        count = redis.call('HINCRBY', KEYS[1], 'count', -1)
        if count < tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'lockedUntil', 0) end
        return count
        """;

    /// <returns>Whether the network was backing off, the back-off in force or started (Unix ms, 0 for none), and the count after this attempt.</returns>
    public async ValueTask<(bool Locked, long LockedUntil, long Count)> CountUnlessLockedAsync(
        string network, DateTimeOffset now, int freeFailures, TimeSpan firstLockout, TimeSpan longestLockout, TimeSpan lifetime,
        CancellationToken cancellation)
    {
        var result = await guard.ExecuteAsync(async _ => (RedisResult[])(await store.GetDatabase().ScriptEvaluateAsync(CountUnlessLocked,
            [StoreKeys.PasswordFailures(network)],
            [now.ToUnixTimeMilliseconds(), freeFailures, (long)firstLockout.TotalMilliseconds, (long)longestLockout.TotalMilliseconds,
             Math.Max(1L, (long)lifetime.TotalSeconds)]))!, cancellation);
        return ((string?)result[0] == "locked", (long)result[1], (long)result[2]);
    }

    public async ValueTask RefundAsync(string network, int freeFailures, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await store.GetDatabase().ScriptEvaluateAsync(Refund, [StoreKeys.PasswordFailures(network)], [freeFailures]),
            cancellation);
}
