using Gateway.Resilience;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Gateway.Accounts;

/// <summary>
/// Users' modes cached in process, so a user without 2FA pays nothing once warm. A change on any
/// instance is published on <see cref="StoreKeys.UserChangedChannel"/> and evicts the entry here; the
/// short TTL bounds staleness if a message is ever lost (e.g. across a reconnect).
/// </summary>
internal sealed class CachedUserModes : IUserModeSource
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    private readonly IMemoryCache _cache;
    private readonly IConnectionMultiplexer _store;
    private readonly DependencyGuard _guard;

    public CachedUserModes(IMemoryCache cache, IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
    {
        _cache = cache;
        _store = store;
        _guard = guard;
        store.GetSubscriber().Subscribe(RedisChannel.Literal(StoreKeys.UserChangedChannel), (_, username) => Forget(username!));
        // After a reconnect, messages may have been missed: start afresh.
        store.ConnectionRestored += (_, _) => (_cache as MemoryCache)?.Clear();
    }

    public async ValueTask<TwoFactorMode> GetModeAsync(string username, CancellationToken cancellation)
    {
        var key = CacheKey(username);
        if (_cache.TryGetValue<TwoFactorMode>(key, out var mode))
        {
            return mode;
        }

        mode = await _guard.ExecuteAsync(async _ =>
        {
            var stored = await _store.GetDatabase().HashGetAsync(StoreKeys.User(username), "mode");
            return TwoFactorModes.TryParse(stored.ToString(), out var parsed) ? parsed : TwoFactorMode.Disabled;
        }, cancellation);
        _cache.Set(key, mode, Ttl);
        return mode;
    }

    public void Forget(string username) => _cache.Remove(CacheKey(username));

    private static string CacheKey(string username) => "mode:" + username;
}
