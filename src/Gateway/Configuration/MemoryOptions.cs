namespace Gateway.Configuration;

/// <summary>
/// <c>Gateway:Memory</c>: how much memory what a stranger sends can hold (docs/SECURITY.md, "Availability"). Every
/// cache of credentials is bounded by bytes, credentials longer than any real one are refused before they are
/// hashed, looked up or cached, and request bodies the gateway reads itself are small, grow as bytes arrive and
/// must arrive in time.
/// </summary>
public sealed class MemoryOptions
{
    public const string Section = "Gateway:Memory";

    /// <summary>
    /// The longest credential accepted, in characters after the scheme (<c>Bearer</c>'s token, <c>Basic</c>'s
    /// base64): npm and Verdaccio tokens are under 100 characters (Verdaccio's JWT tokens a few hundred), CI OIDC id
    /// tokens and JWT registry tokens about 1–2 KB. A longer one is answered 400 before any hashing, lookup or cache.
    /// </summary>
    public int MaxCredentialLength { get; set; } = 4096;

    /// <summary>Bytes the reads' cache of recorded tokens' records may hold (keys, records and entry overhead).</summary>
    public long TokenCacheBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Bytes the reads' cache of "no record" answers may hold: its own budget, so that tokens a stranger makes up
    /// can fill only this one and never push a real user's record out of <see cref="TokenCacheBytes"/>.
    /// </summary>
    public long UnknownTokenCacheBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Bytes the cache of identities (credential's keyed hash → user, answers the registry gave) may hold.</summary>
    public long IdentityCacheBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The largest body the gateway's pages under <c>/-/gateway/</c> accept (forms, security-key JSON); larger: 413 before it is read.</summary>
    public int MaxFormBytes { get; set; } = 16 * 1024;

    /// <summary>How long a small body the gateway reads itself (a login, a token request, a 2FA change) may take to arrive; then 408.</summary>
    public TimeSpan SmallBodyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
