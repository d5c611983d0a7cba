using Gateway.Accounts;
using Gateway.Resilience;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.SecondFactor;

/// <summary>
/// Brute-force regulation per account, in the store so every instance counts the same failures:
/// the <see cref="RegulationOptions.FreeFailures"/>-th consecutive failure locks the account's second
/// factor, each further one for twice as long as the last (capped), and at
/// <see cref="RegulationOptions.MaxFailures"/> it stays locked until the counter expires. A success
/// resets the count. 10^6 codes cannot be guessed at a handful of tries an hour.
/// </summary>
internal sealed class FailureRegulator(
    IConnectionMultiplexer store,
    TimeProvider time,
    IOptions<RegulationOptions> options,
    [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    // Atomic across instances: count the failure, compute the lock, refresh the expiry.
    private const string RecordFailureScript = """
        local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
        local now = tonumber(ARGV[1])
        local free = tonumber(ARGV[2])
        local lockedUntil = 0
        if count >= tonumber(ARGV[5]) then
          lockedUntil = now + tonumber(ARGV[6]) * 1000
        elseif count >= free then
          lockedUntil = now + math.floor(math.min(tonumber(ARGV[3]) * (2 ^ (count - free)), tonumber(ARGV[4])))
        end
        redis.call('HSET', KEYS[1], 'lockedUntil', lockedUntil)
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
        return {count, lockedUntil}
        """;

    public const string OtpScope = "otp";
    public const string SignInScope = "sign-in";

    // The hot path of a protected write, in one round trip: refuse while locked; else bind the accepted
    // code to the credential (or find whose it is) and, on success, forget earlier failures.
    private const string BindUnlessLockedScript = """
        local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
        if lockedUntil > tonumber(ARGV[1]) then return {'locked', lockedUntil} end
        local owner = redis.call('GET', KEYS[2])
        if not owner then
          redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
          owner = ARGV[2]
        end
        if owner == ARGV[2] then
          redis.call('DEL', KEYS[1])
          return {'bound', 0}
        end
        return {'other', 0}
        """;

    private RegulationOptions Options => options.Value;

    /// <summary>How a regulated attempt ended.</summary>
    public enum AttemptOutcome
    {
        Succeeded,
        Failed,
        LockedOut,
    }

    /// <summary>
    /// One regulated attempt (a password, a security key, a recovery code…): refused while the account is
    /// locked, a failure is counted (the answer carries the lock-out it started, if any), a success resets
    /// the count.
    /// </summary>
    public async ValueTask<(AttemptOutcome Outcome, TimeSpan? LockedFor)> AttemptAsync(
        string username, string scope, Func<ValueTask<bool>> attempt, CancellationToken cancellation)
    {
        var (lockedFor, hadFailures) = await CheckAsync(username, cancellation, scope);
        if (lockedFor is not null)
        {
            return (AttemptOutcome.LockedOut, lockedFor);
        }

        if (!await attempt())
        {
            return (AttemptOutcome.Failed, await RecordFailureAsync(username, cancellation, scope));
        }

        if (hadFailures)
        {
            await ResetAsync(username, cancellation, scope);
        }

        return (AttemptOutcome.Succeeded, null);
    }

    /// <summary>What <see cref="BindUnlessLockedAsync"/> found.</summary>
    public enum BindOutcome
    {
        Bound,
        BoundToAnother,
        Locked,
    }

    /// <summary>
    /// For a code that verified: unless the account is locked, binds it (under <paramref name="bindingKey"/>)
    /// to <paramref name="credentialId"/> for <paramref name="lifetime"/>, and resets the failure count when
    /// it is (or already was) that credential's. One store round trip.
    /// </summary>
    public async ValueTask<(BindOutcome Outcome, TimeSpan? LockedFor)> BindUnlessLockedAsync(
        string username, RedisKey bindingKey, string credentialId, TimeSpan lifetime, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        var result = await guard.ExecuteAsync(async _ => (RedisResult[])(await store.GetDatabase().ScriptEvaluateAsync(
            BindUnlessLockedScript,
            [Key(username, OtpScope), bindingKey],
            [now.ToUnixTimeMilliseconds(), credentialId, Math.Max(1L, (long)lifetime.TotalMilliseconds)]))!, cancellation);
        return (string?)result[0] switch
        {
            "bound" => (BindOutcome.Bound, null),
            "other" => (BindOutcome.BoundToAnother, null),
            _ => (BindOutcome.Locked, DateTimeOffset.FromUnixTimeMilliseconds((long)result[1]) - now),
        };
    }

    /// <summary>How long the account is still locked, or null when it may try.</summary>
    public async ValueTask<(TimeSpan? LockedFor, bool HasFailures)> CheckAsync(string username, CancellationToken cancellation, string scope = OtpScope)
    {
        var values = await guard.ExecuteAsync(async _ => await store.GetDatabase().HashGetAsync(Key(username, scope), ["count", "lockedUntil"]), cancellation);
        var count = values[0].TryParse(out long c) ? c : 0;
        var lockedUntil = values[1].TryParse(out long until) ? DateTimeOffset.FromUnixTimeMilliseconds(until) : DateTimeOffset.MinValue;
        var remaining = lockedUntil - time.GetUtcNow();
        return (remaining > TimeSpan.Zero ? remaining : null, count > 0);
    }

    /// <returns>The lock-out that this failure started, if any.</returns>
    public async ValueTask<TimeSpan?> RecordFailureAsync(string username, CancellationToken cancellation, string scope = OtpScope)
    {
        var now = time.GetUtcNow();
        var result = await guard.ExecuteAsync(async _ => (RedisResult[])(await store.GetDatabase().ScriptEvaluateAsync(
            RecordFailureScript,
            [Key(username, scope)],
            [now.ToUnixTimeMilliseconds(), Options.FreeFailures, (long)Options.FirstLockout.TotalMilliseconds,
             (long)Options.LongestLockout.TotalMilliseconds, Options.MaxFailures, (long)Options.CounterLifetime.TotalSeconds]))!, cancellation);
        var lockedUntil = DateTimeOffset.FromUnixTimeMilliseconds((long)result[1]);
        return lockedUntil > now ? lockedUntil - now : null;
    }

    public async ValueTask ResetAsync(string username, CancellationToken cancellation, string scope = OtpScope) =>
        await guard.ExecuteAsync(async _ => await store.GetDatabase().KeyDeleteAsync(Key(username, scope)), cancellation);

    /// <summary>Second factors (TOTP, recovery codes, security keys) and web sign-in passwords are counted apart.</summary>
    private static RedisKey Key(string username, string scope) =>
        scope == OtpScope ? StoreKeys.Failures(username) : StoreKeys.Failures(username).Append(":" + scope);
}

/// <summary><c>Gateway:Regulation</c>: how failed second factors are throttled.</summary>
public sealed class RegulationOptions
{
    /// <summary>The consecutive failure that starts the first lock-out (5: the sixth attempt is refused with 429).</summary>
    public int FreeFailures { get; set; } = 5;

    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan LongestLockout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At this many consecutive failures the account stays locked until the counter expires.</summary>
    public int MaxFailures { get; set; } = 100;

    /// <summary>How long a failure is remembered after the last one.</summary>
    public TimeSpan CounterLifetime { get; set; } = TimeSpan.FromHours(24);
}
