using Gateway.Resilience;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Gateway.Accounts;

/// <summary>
/// Users' 2FA records (mode and encrypted secret) cached in process, so a user without 2FA pays nothing
/// once warm and a protected write needs no read of the record. A change on any instance is published on
/// <see cref="StoreKeys.UserChangedChannel"/> and evicts the entry here; the short TTL bounds staleness
/// if a message is ever lost (e.g. across a reconnect).
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

    public async ValueTask<TwoFactorMode> GetModeAsync(string username, CancellationToken cancellation) =>
        (await GetStateAsync(username, cancellation)).Mode;

    /// <exception cref="DependencyUnavailableException">The store cannot answer.</exception>
    public async ValueTask<UserTwoFactorState> GetStateAsync(string username, CancellationToken cancellation)
    {
        var key = CacheKey(username);
        if (_cache.TryGetValue<UserTwoFactorState>(key, out var state))
        {
            return state!;
        }

        state = await _guard.ExecuteAsync(async _ => RedisUserAccounts.Read(await _store.GetDatabase().HashGetAllAsync(StoreKeys.User(username))), cancellation);
        _cache.Set(key, state, Ttl);
        return state;
    }

    public void Forget(string username) => _cache.Remove(CacheKey(username));

    private static string CacheKey(string username) => "2fa-state:" + username;
}
