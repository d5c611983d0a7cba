namespace Gateway.WebAuthn;

/// <summary>
/// The <c>Gateway:WebAuthn</c> section. Every value has a default derived from <c>Gateway:PublicUrl</c>,
/// so a gateway reached at one URL needs none of it; a gateway reached under several names lists them.
/// </summary>
public sealed class WebAuthnOptions
{
    public const string Section = "Gateway:WebAuthn";

    /// <summary>The ceiling WebAuthn L3 §13.4.3 suggests for a ceremony, and the one the issue sets.</summary>
    public static readonly TimeSpan MaxCeremonyLifetime = TimeSpan.FromSeconds(300);

    /// <summary>
    /// The relying party ID that keys are scoped to (rpIdHash). Default: the host of <c>Gateway:PublicUrl</c>.
    /// Browsers refuse IP literals here, so browse the gateway by a name (e.g. <c>localhost</c>).
    /// </summary>
    public string? RpId { get; set; }

    /// <summary>
    /// Exact origins (<c>scheme://host[:port]</c>) the browser may report in clientDataJSON.
    /// Default: the origin of <c>Gateway:PublicUrl</c>. Cross-origin (iframe) ceremonies are always refused.
    /// </summary>
    public string[] Origins { get; set; } = [];

    /// <summary>The name the browser shows for the relying party.</summary>
    public string RpName { get; set; } = "npm-2fa-gateway";

    /// <summary>How long a registration or assertion ceremony may take, at most 300 s.</summary>
    public TimeSpan CeremonyLifetime { get; set; } = MaxCeremonyLifetime;

    /// <summary>Security keys one user may register.</summary>
    public int MaxKeysPerUser { get; set; } = 10;
}
