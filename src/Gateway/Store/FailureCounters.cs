using Gateway.Configuration;
using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>What a regulation script decided (<see cref="RegulationScripts"/>).</summary>
internal enum RegulationVerdict
{
    Counted,
    Bound,
    BoundToAnother,
    Locked,
}

/// <summary>
/// Per-account failure counters (<see cref="StoreKeys.Failures(string)"/>), changed only by the regulation
/// scripts, which check the lock and count in one step. The policy (when to lock, for how long) is
/// <c>TwoFactor/FailureRegulator</c>'s, passed in as <see cref="RegulationOptions"/>.
/// </summary>
internal sealed class FailureCounters(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard,
    ReplicaConfirmation replicas)
{
    /// <param name="scope">Null for second factors; otherwise the name of a separate count (e.g. sign-in passwords).</param>
    /// <returns>Counted or Locked, and the lock-out in force (Unix ms; 0 when none was started).</returns>
    public async ValueTask<(RegulationVerdict Verdict, long LockedUntil)> CountUnlessLockedAsync(
        string username, string? scope, DateTimeOffset now, RegulationOptions options, CancellationToken cancellation)
    {
        var result = await EvaluateAsync(RegulationScripts.CountUnlessLocked, [Key(username, scope)], now, options, [], cancellation);
        return ((string?)result[0] == "locked" ? RegulationVerdict.Locked : RegulationVerdict.Counted, (long)result[1]);
    }

    /// <summary>
    /// For a TOTP that verified: unless the account is locked, binds its time step to the credential (bind-once)
    /// and resets the count when the credential owns it, or counts a replay. One round trip with the lock check.
    /// </summary>
    public async ValueTask<(RegulationVerdict Verdict, long LockedUntil)> BindTotpUnlessLockedAsync(
        string username, long step, string credentialId, TimeSpan lifetime, DateTimeOffset now, RegulationOptions options, CancellationToken cancellation)
    {
        var result = await EvaluateAsync(RegulationScripts.BindUnlessLocked, [Key(username, null), StoreKeys.UsedTotp(username, step)], now, options,
            [credentialId, Math.Max(1L, (long)lifetime.TotalMilliseconds)], cancellation);
        var verdict = (string?)result[0] switch
        {
            "bound" => RegulationVerdict.Bound,
            "other" => RegulationVerdict.BoundToAnother,
            _ => RegulationVerdict.Locked,
        };
        return (verdict, (long)result[1]);
    }

    /// <summary>The count and the lock-out (Unix ms), 0 where absent. Reads only.</summary>
    public async ValueTask<(long Count, long LockedUntil)> ReadAsync(string username, string? scope, CancellationToken cancellation)
    {
        var values = await guard.ExecuteAsync(async _ => await store.GetDatabase().HashGetAsync(Key(username, scope), ["count", "lockedUntil"]), cancellation);
        return (values[0].TryParse(out long count) ? count : 0, values[1].TryParse(out long until) ? until : 0);
    }

    public async ValueTask ResetAsync(string username, string? scope, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await store.GetDatabase().KeyDeleteAsync(Key(username, scope)), cancellation);

    private async ValueTask<RedisResult[]> EvaluateAsync(string script, RedisKey[] keys, DateTimeOffset now, RegulationOptions options, RedisValue[] more, CancellationToken cancellation)
    {
        RedisValue[] arguments =
        [
            now.ToUnixTimeMilliseconds(), options.FreeFailures, (long)options.FirstLockout.TotalMilliseconds,
            (long)options.LongestLockout.TotalMilliseconds, options.MaxFailures, (long)options.CounterLifetime.TotalSeconds, .. more,
        ];
        // Every count and binding is confirmed by the replicas before it is acted on: a lock-out or a spent code
        // must survive a failover (ReplicaConfirmation).
        return await guard.ExecuteAsync(async _ =>
        {
            var result = (RedisResult[])(await store.GetDatabase().ScriptEvaluateAsync(script, keys, arguments))!;
            await replicas.ConfirmAsync(keys[0]);
            return result;
        }, cancellation);
    }

    private static RedisKey Key(string username, string? scope) =>
        scope is null ? StoreKeys.Failures(username) : StoreKeys.Failures(username, scope);
}
