using System.Net;
using Gateway.Accounts;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Caching.Memory;

namespace Gateway.Identity;

/// <summary>
/// Finds out who is calling, for requests whose class needs a decision. The registry is unmodified, so
/// the gateway asks it (<c>/-/whoami</c> with the caller's own Authorization) and caches the answer by a
/// keyed hash of the credential, never the credential itself: in process, and in the store for the
/// other instances. Only answers the registry gave are cached; a refusal is asked again next time.
/// </summary>
internal sealed class IdentityResolver(
    WhoamiClient whoami,
    Usernames usernames,
    CredentialUsers sharedCache,
    KeyedHasher hasher,
    IMemoryCache cache,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard upstreamGuard)
{
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(60);

    /// <param name="authorization">The request's one Authorization value; empty when it has none.</param>
    public async ValueTask<(IdentityOutcome Outcome, CallerIdentity? Caller)> ResolveAsync(
        string authorization, IPAddress? clientAddress, CancellationToken cancellation)
    {
        if (authorization.Length == 0)
        {
            return (IdentityOutcome.Anonymous, null);
        }

        var credentialId = hasher.Hash("credential", authorization);
        var username = await LookUpAsync(authorization, credentialId, clientAddress, cancellation);
        return username is not null && usernames.TryCanonical(username, out var canonical)
            ? (IdentityOutcome.Known, new CallerIdentity(canonical, credentialId))
            : (IdentityOutcome.Refused, null);
    }

    /// <summary>
    /// The identity of a login: the account its body names. A login has no credential yet, so a code it
    /// uses is bound to "a login of this account from this address": npm's couch login sends the same code on
    /// its two PUTs from one client, and someone else who saw the code cannot reuse it from elsewhere.
    /// </summary>
    public CallerIdentity ForLogin(string account, IPAddress? clientAddress) =>
        new(account, hasher.Hash("credential", "login:" + account + "@" + clientAddress));

    private async ValueTask<string?> LookUpAsync(string authorization, string credentialId, IPAddress? clientAddress, CancellationToken cancellation)
    {
        if (cache.TryGetValue<string>(credentialId, out var cached))
        {
            return cached;
        }

        var storedUsername = await sharedCache.GetAsync(credentialId, cancellation);
        if (storedUsername is not null)
        {
            cache.Set(credentialId, storedUsername, CacheTtl);
            return storedUsername;
        }

        var username = await upstreamGuard.ExecuteAsync(ct => whoami.WhoamiAsync(authorization, clientAddress, ct), cancellation);
        if (username is not null)
        {
            cache.Set(credentialId, username, CacheTtl);
            await sharedCache.SetAsync(credentialId, username, CacheTtl, cancellation);
        }

        return username;
    }
}
