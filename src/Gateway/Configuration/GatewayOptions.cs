namespace Gateway.Configuration;

/// <summary>
/// The <c>Gateway</c> section of configuration (appsettings.json, overridden by <c>Gateway__*</c> variables), checked by
/// <see cref="GatewayOptionsValidator"/> (every message names its key).
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";
    public const string EmbeddedStore = "embedded";

    /// <summary>The npm registry behind the gateway, e.g. <c>http://127.0.0.1:4873</c>.</summary>
    public string Upstream { get; set; } = "";

    /// <summary>The URL clients use to reach the gateway; tarball URLs in packuments point here.</summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>
    /// The path of <see cref="PublicUrl"/> without its trailing slash, as the URL spells it (<c>/npm</c> for
    /// <c>https://tools.example.com/npm/</c>); empty at the host's root. The gateway serves everything under it
    /// (docs/ARCHITECTURE.md, "The gateway under a path").
    /// </summary>
    public string PublicPath => Uri.TryCreate(PublicUrl.Trim(), UriKind.Absolute, out var uri) ? uri.AbsolutePath.TrimEnd('/') : "";

    /// <summary>A Redis connection string, or <c>embedded</c> for the built-in Garnet server.</summary>
    public string Store { get; set; } = EmbeddedStore;

    /// <summary>Where the embedded store and the key ring keep their files.</summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>The route-policy file, relative to the content root unless absolute.</summary>
    public string PolicyFile { get; set; } = "config/route-policy.json";

    /// <summary>Per-package and per-scope publishing rules (defaults of <c>npm access set mfa</c>, scope-wide 2FA); reloaded on change.</summary>
    public string PackageRulesFile { get; set; } = "config/package-rules.json";

    /// <summary>The issuer shown in authenticator apps for the TOTP secret.</summary>
    public string TotpIssuer { get; set; } = "npm-2fa-gateway";

    /// <summary>
    /// The largest request body forwarded (a publish carries its tarball base64-encoded, so 256 MiB is a
    /// tarball of about 190 MB). Kestrel's default of 30 MB would refuse ordinary large packages.
    /// </summary>
    public long MaxPublishBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Answer npm's web login (<c>POST /-/v1/login</c>); when false npm falls back to the couch login.</summary>
    public bool WebLogin { get; set; } = true;

    /// <summary>
    /// The registry treats <c>ALICE</c> and <c>alice</c> as one account (LDAP and most enterprise registries):
    /// usernames are folded to lower case before they key a 2FA record, so a second spelling cannot have an
    /// empty record of its own.
    /// </summary>
    public bool CaseInsensitiveUsernames { get; set; }

    /// <summary>
    /// How recently a browser session must have proven a second factor (or, before the account has one, the
    /// password) to change the account's factors. Between one second and the session's lifetime (15 minutes).
    /// </summary>
    public TimeSpan StepUpWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>enforce</c> (default), or <c>report-only</c>: a protected request sent without a second factor is
    /// forwarded and recorded as "would challenge" instead of challenged (README.md, "Operating"). A code that
    /// is sent is still checked, and changes to 2FA itself are always enforced.
    /// </summary>
    public string Enforcement { get; set; } = EnforceMode;

    public const string EnforceMode = "enforce";
    public const string ReportOnlyMode = "report-only";

    /// <summary>Whether <see cref="Enforcement"/> is <c>report-only</c>.</summary>
    public bool ReportOnly => string.Equals(Enforcement.Trim(), ReportOnlyMode, StringComparison.OrdinalIgnoreCase);

    /// <summary>How long a browser session on the gateway's pages lasts (fixed: short, because it can change factors).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The one definition of "the embedded store", which the store's connection uses too.</summary>
    public bool UsesEmbeddedStore => IsEmbeddedStore(Store);

    /// <summary><c>embedded</c> in any case or spacing, or no setting at all.</summary>
    public static bool IsEmbeddedStore(string? storeSetting) =>
        string.IsNullOrWhiteSpace(storeSetting)
        || string.Equals(storeSetting.Trim(), EmbeddedStore, StringComparison.OrdinalIgnoreCase);
}
