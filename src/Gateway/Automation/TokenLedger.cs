using System.Text.Json;
using Gateway.Configuration;
using Gateway.Http;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.Automation;

/// <summary>
/// The gateway's record of the tokens created through it: written when the registry answers a token creation,
/// read on every request that carries a bearer token (protected requests: fresh from the store, by their caller;
/// reads: through the owner index, cached in process by <see cref="TokenRecordCache"/>), dropped on revoke. A token
/// is found by the keyed hash of its value alone, so any spelling of the <c>Bearer</c> scheme finds the same record.
/// </summary>
internal sealed class TokenLedger(
    TokenRecords records, KeyedHasher hasher, IOptions<TokenOptions> options, IOptions<MemoryOptions> memory, TimeProvider time) : IDisposable
{
    private readonly TokenRecordCache _recent = new(time, memory.Value.TokenCacheBytes, memory.Value.UnknownTokenCacheBytes);

    private readonly int _maxLength = memory.Value.MaxCredentialLength;

    /// <summary>How long a record outlives its token's expiry, so that its use is refused as "expired", not as unknown.</summary>
    private static readonly TimeSpan ExpiredRetention = TimeSpan.FromDays(30);

    /// <summary>How long the store keeps a record that has no expiry and limits nothing (a login's token).</summary>
    private static readonly TimeSpan UnlimitedRetention = TimeSpan.FromDays(400);

    public TokenOptions Options => options.Value;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>
    /// The token of a <c>Bearer</c> Authorization in the one form every registry reads alike — the scheme (any case,
    /// as registries accept it), one space, a token with no whitespace or control character — else null.
    /// </summary>
    public static string? BearerToken(string authorization) =>
        IsBearerScheme(authorization) && authorization.Length > BearerScheme.Length + 1 && authorization[BearerScheme.Length] == ' '
        && !authorization.AsSpan(BearerScheme.Length + 1).ContainsAnyInRange('\0', ' ') && !authorization.AsSpan(BearerScheme.Length + 1).Contains('\x7f')
            ? authorization[(BearerScheme.Length + 1)..]
            : null;

    /// <summary>
    /// A <c>Bearer</c> Authorization in any other form (<c>Bearer a b</c>, two spaces, a tab): registries split it
    /// differently (Verdaccio refuses it; a laxer one could take the first word, where the gateway would look up a
    /// token it has no record of and apply none of the real token's limits), so the gateway refuses it.
    /// </summary>
    public static bool IsMalformedBearer(string authorization) =>
        IsBearerScheme(authorization) && authorization.Length > BearerScheme.Length && BearerToken(authorization) is null
        && (char.IsWhiteSpace(authorization[BearerScheme.Length]) || char.IsControl(authorization[BearerScheme.Length]));

    private const string BearerScheme = "Bearer";

    private static bool IsBearerScheme(string authorization) =>
        authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>The token's record, read from the store now (protected requests: their caller is known).</summary>
    public async ValueTask<TokenAttributes?> FindAsync(string user, string token, CancellationToken cancellation) =>
        await records.FindAsync(user, TokenId(token), cancellation) is { } json ? Read(json) : null;

    /// <summary>The record reads last saw for the token, without waiting (and without hashing it).</summary>
    /// <returns>Whether a recent answer is known; <paramref name="record"/> null: the token has no record.</returns>
    public bool TryGetRecent(string token, out TokenAttributes? record) => _recent.TryGet(token, out record);

    /// <summary>Looks the record up by the token's keyed hash through the owner index, whoever owns it, and remembers the answer for reads.</summary>
    /// <exception cref="Resilience.DependencyUnavailableException">The store cannot answer (nothing is remembered).</exception>
    public async ValueTask<TokenAttributes?> FindRecentAsync(string token, CancellationToken cancellation)
    {
        // Stage 1b refuses such a token before it gets here; never hash or cache one whatever the caller.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(token.Length, _maxLength, nameof(token));
        var record = await records.FindAsync(TokenId(token), cancellation) is { } json ? Read(json) : null;
        _recent.Set(token, record);
        return record;
    }

    /// <summary>The token's record found through the owner index, fresh from the store (a trusted-publishing token, before any whoami).</summary>
    public async ValueTask<TokenAttributes?> FindByTokenAsync(string token, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(token.Length, _maxLength, nameof(token));
        return await records.FindAsync(TokenId(token), cancellation) is { } json ? Read(json) : null;
    }

    /// <summary>The record a login's token gets: no limits but the operator's <see cref="TokenOptions.LoginLifetime"/>.</summary>
    public TokenAttributes LoginRecord(string user) => TokenAttributes.ForLogin(user, Now, options.Value.LoginLifetime);

    /// <exception cref="Resilience.DependencyUnavailableException">The store cannot record it: the caller must not hand the token out.</exception>
    public async ValueTask RecordAsync(TokenAttributes attributes, string token, CancellationToken cancellation)
    {
        TimeSpan? lifetime = attributes.Expires is { } expires ? expires - Now + ExpiredRetention
            // A record that limits nothing (a login's) may lapse: the token then counts as unrecorded, which never
            // grants more. A record that limits something (a read-only token) must never lapse into more.
            : attributes.LimitsNothing ? UnlimitedRetention
            : null;
        await records.SaveAsync(attributes.User, TokenId(token), attributes.RegistryKey, attributes.ToJson(), lifetime, cancellation);
        _recent.Forget(token);
    }

    /// <summary>
    /// Ends a recorded token now (npm logout): its record expires, so the gateway refuses it as expired even where the
    /// registry keeps accepting it (Verdaccio's logout revokes nothing). Other instances' reads may take it for up to
    /// <see cref="TokenRecordCache.Ttl"/> more; protected requests read the store.
    /// </summary>
    /// <returns>Whether a live record was ended.</returns>
    public async ValueTask<bool> EndAsync(string token, CancellationToken cancellation)
    {
        if (await records.FindAsync(TokenId(token), cancellation) is not { } json || Read(json) is not { } record
            || record.Expires is { } expires && expires <= Now)
        {
            return false;
        }

        await RecordAsync(record with { Expires = Now }, token, cancellation);
        return true;
    }

    public ValueTask<bool> ForgetAsync(string user, string registryKey, CancellationToken cancellation) =>
        records.ForgetAsync(user, registryKey, cancellation);

    public async ValueTask<IReadOnlyDictionary<string, TokenAttributes>> ListAsync(string user, CancellationToken cancellation) =>
        (await records.ListAsync(user, cancellation)).Select(e => (e.Key, Value: Read(e.Value))).Where(e => e.Value is not null)
            .ToDictionary(e => e.Key, e => e.Value!);

    /// <summary>
    /// The keyed hash a token is recorded under: HMAC-SHA256 under the key every instance shares, so the same on every
    /// instance and for every request presenting the token.
    /// </summary>
    private string TokenId(string token) => hasher.Hash("token", token);

    public void Dispose() => _recent.Dispose();

    /// <summary>A record that cannot be read is treated as no record, which never grants more than the owner has.</summary>
    private static TokenAttributes? Read(string json)
    {
        try
        {
            return TokenAttributes.FromJson(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
