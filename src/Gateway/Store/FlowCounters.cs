using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>Fixed-window counters of flow creation (per credential, per client network), one key each, with expiry.</summary>
internal sealed class FlowCounters(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    // The expiry is set by the first count only, so refused attempts never extend the window.
    private const string CountScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { n, redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>Counts a web-OTP flow opened by <paramref name="credentialId"/> (a keyed hash).</summary>
    public ValueTask<(long Count, TimeSpan Remaining)> CountWebOtpFlowAsync(string credentialId, TimeSpan window, CancellationToken cancellation) =>
        CountAsync(StoreKeys.OpenWebOtpFlows(credentialId), window, cancellation);

    /// <summary>Counts a web login started from <paramref name="clientNetwork"/>.</summary>
    public ValueTask<(long Count, TimeSpan Remaining)> CountWebLoginAsync(string clientNetwork, TimeSpan window, CancellationToken cancellation) =>
        CountAsync(StoreKeys.WebLoginStarts(clientNetwork), window, cancellation);

    /// <summary>Counts a trusted-publishing exchange attempted from <paramref name="clientNetwork"/>.</summary>
    public ValueTask<(long Count, TimeSpan Remaining)> CountOidcExchangeAsync(string clientNetwork, TimeSpan window, CancellationToken cancellation) =>
        CountAsync(StoreKeys.OidcExchanges(clientNetwork), window, cancellation);

    /// <returns>The count in the current window and how long the window still runs.</returns>
    private async ValueTask<(long Count, TimeSpan Remaining)> CountAsync(RedisKey key, TimeSpan window, CancellationToken cancellation)
    {
        var result = await guard.ExecuteAsync(async _ => (RedisResult[])(await store.GetDatabase().ScriptEvaluateAsync(
            CountScript, [key], [(long)window.TotalMilliseconds]))!, cancellation);
        var remaining = (long)result[1];
        return ((long)result[0], remaining > 0 ? TimeSpan.FromMilliseconds(remaining) : window);
    }
}
