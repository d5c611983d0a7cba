using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>The health endpoint's look at the store: one PING, outside the guard (health reports what the breaker would hide).</summary>
internal sealed class StoreProbe(IConnectionMultiplexer store)
{
    /// <returns>Null when the store answered within <paramref name="timeout"/>; otherwise the failure's type name.</returns>
    public async Task<string?> PingAsync(TimeSpan timeout)
    {
        try
        {
            await store.GetDatabase().PingAsync().WaitAsync(timeout);
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return e.GetType().Name;
        }
    }
}
