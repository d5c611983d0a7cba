using System.Net;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Http;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Gateway.Identity;

/// <summary>
/// Finds out who is calling, for requests whose class needs a decision. The registry is unmodified, so
/// the gateway asks it (<c>/-/whoami</c> with the caller's own Authorization) and caches the answer by a
/// keyed hash of the credential, never the credential itself: in process, and in the store for the
/// other instances. Only answers the registry gave are cached; a refusal is asked again next time.
/// The in-process cache is its own, bounded by bytes (<see cref="MemoryOptions.IdentityCacheBytes"/>), and a
/// credential longer than <see cref="MemoryOptions.MaxCredentialLength"/> is refused before it is hashed or sent.
/// </summary>
internal sealed class IdentityResolver(
    WhoamiClient whoami,
    Usernames usernames,
    CredentialUsers sharedCache,
    KeyedHasher hasher,
    IOptions<MemoryOptions> memory,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard upstreamGuard) : IDisposable
{
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(60);

    /// <summary>MemoryCache's entry, its dictionary node and options (see <c>Automation/TokenRecordCache.cs</c>).</summary>
    private const int EntryOverhead = 320;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = memory.Value.IdentityCacheBytes });

    /// <param name="authorization">The request's one Authorization value; empty when it has none.</param>
    public async ValueTask<(IdentityOutcome Outcome, CallerIdentity? Caller)> ResolveAsync(
        string authorization, IPAddress? clientAddress, CancellationToken cancellation)
    {
        if (authorization.Length == 0)
        {
            return (IdentityOutcome.Anonymous, null);
        }

        if (CredentialLength.IsTooLong(authorization, memory.Value.MaxCredentialLength))
        {
            return (IdentityOutcome.Refused, null);
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

    /// <summary>
    /// The caller of a token the gateway minted itself (trusted publishing): the account its record names, which the
    /// registry never vouched for this token — whoami would not know it.
    /// </summary>
    public CallerIdentity ForGatewayToken(string user, string authorization) => new(user, hasher.Hash("credential", authorization));

    private async ValueTask<string?> LookUpAsync(string authorization, string credentialId, IPAddress? clientAddress, CancellationToken cancellation)
    {
        if (_cache.TryGetValue<string>(credentialId, out var cached))
        {
            return cached;
        }

        var storedUsername = await sharedCache.GetAsync(credentialId, cancellation);
        if (storedUsername is not null)
        {
            Remember(credentialId, storedUsername);
            return storedUsername;
        }

        var username = await upstreamGuard.ExecuteAsync(ct => whoami.WhoamiAsync(authorization, clientAddress, ct), cancellation);
        if (username is not null)
        {
            Remember(credentialId, username);
            await sharedCache.SetAsync(credentialId, username, CacheTtl, cancellation);
        }

        return username;
    }

    /// <summary>Counted in bytes: both strings (2 bytes a character and a header) and the entry's overhead.</summary>
    private void Remember(string credentialId, string username) =>
        _cache.Set(credentialId, username, new MemoryCacheEntryOptions
        {
            Size = EntryOverhead + 48 + 2L * (credentialId.Length + username.Length),
            AbsoluteExpirationRelativeToNow = CacheTtl,
        });

    public void Dispose() => _cache.Dispose();
}
