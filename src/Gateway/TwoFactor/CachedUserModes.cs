using Gateway.Accounts;
using Microsoft.Extensions.Caching.Memory;

namespace Gateway.TwoFactor;

/// <summary>
/// Users' 2FA records (mode and encrypted secret) cached in process, so a user without 2FA pays nothing
/// once warm and a protected write needs no read of the record. A change on any instance raises
/// <see cref="IAccountChanges.Changed"/> here and evicts the entry; the short TTL bounds staleness if a
/// message is ever lost (e.g. across a reconnect).
/// </summary>
internal sealed class CachedUserModes : IUserModeSource
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    private readonly IMemoryCache _cache;
    private readonly IUserTwoFactorStore _records;

    public CachedUserModes(IMemoryCache cache, IUserTwoFactorStore records, IAccountChanges changes)
    {
        _cache = cache;
        _records = records;
        changes.Changed += Forget;
        // After a reconnect, messages may have been missed: start afresh.
        changes.Reconnected += () => (_cache as MemoryCache)?.Clear();
    }

    public async ValueTask<TwoFactorMode> GetModeAsync(string username, CancellationToken cancellation) =>
        (await GetStateAsync(username, cancellation)).Mode;

    /// <exception cref="Resilience.DependencyUnavailableException">The store cannot answer.</exception>
    public async ValueTask<UserTwoFactorState> GetStateAsync(string username, CancellationToken cancellation)
    {
        var key = CacheKey(username);
        if (_cache.TryGetValue<UserTwoFactorState>(key, out var state))
        {
            return state!;
        }

        state = await _records.GetAsync(username, cancellation);
        _cache.Set(key, state, Ttl);
        return state;
    }

    public void Forget(string username) => _cache.Remove(CacheKey(username));

    private static string CacheKey(string username) => "2fa-state:" + username;
}
