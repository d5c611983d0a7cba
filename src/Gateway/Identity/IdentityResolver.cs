using Gateway.Policy;
using Gateway.Resilience;
using Gateway.Security;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Gateway.Identity;

/// <summary>
/// Finds out who is calling, for requests whose class needs a decision. The registry is unmodified, so
/// the gateway asks it (<c>/-/whoami</c> with the caller's own Authorization) and caches the answer by a
/// keyed hash of the credential, never the credential itself: in process, and in the store for the
/// other instances.
/// </summary>
internal sealed class IdentityResolver(
    WhoamiClient whoami,
    IConnectionMultiplexer store,
    KeyedHasher hasher,
    IMemoryCache cache,
    [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard storeGuard,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard upstreamGuard)
{
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(60);

    public async ValueTask<(IdentityOutcome Outcome, CallerIdentity? Caller)> ResolveAsync(
        HttpRequest request, RequestClassification classification, CancellationToken cancellation)
    {
        // Couch login (npm login/adduser) names its user in the path and proves the password only on its
        // last request; the login as a whole is the credential the one-time password is bound to.
        if (classification.PathUser is { Length: > 0 } pathUser)
        {
            return (IdentityOutcome.Known, new CallerIdentity(pathUser, hasher.Hash("credential", "login:" + pathUser)));
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return (IdentityOutcome.Anonymous, null);
        }

        var credentialId = hasher.Hash("credential", authorization);
        try
        {
            var username = await LookUpAsync(authorization, credentialId, cancellation);
            return username is null
                ? (IdentityOutcome.Anonymous, null)
                : (IdentityOutcome.Known, new CallerIdentity(username, credentialId));
        }
        catch (DependencyUnavailableException)
        {
            return (IdentityOutcome.Unavailable, null);
        }
    }

    private async ValueTask<string?> LookUpAsync(string authorization, string credentialId, CancellationToken cancellation)
    {
        if (cache.TryGetValue<string>(credentialId, out var cached))
        {
            return cached;
        }

        var storeKey = (RedisKey)("gw:id:" + credentialId);
        var stored = await storeGuard.ExecuteAsync(async _ => (string?)await store.GetDatabase().StringGetAsync(storeKey), cancellation);
        if (stored is not null)
        {
            cache.Set(credentialId, stored, CacheTtl);
            return stored;
        }

        var username = await upstreamGuard.ExecuteAsync(ct => whoami.WhoamiAsync(authorization, ct), cancellation);
        if (username is not null)
        {
            cache.Set(credentialId, username, CacheTtl);
            await storeGuard.ExecuteAsync(async _ => await store.GetDatabase().StringSetAsync(storeKey, username, CacheTtl), cancellation);
        }

        return username;
    }
}
