namespace Gateway.Automation;

/// <summary><c>Gateway:Tokens</c>: what tokens created through the gateway may be (docs/SECURITY.md, "Tokens").</summary>
public sealed class TokenOptions
{
    public const string Section = "Gateway:Tokens";

    /// <summary>The longest lifetime a token that can write may be created with (npmjs: 90 days).</summary>
    public TimeSpan MaxWriteLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The lifetime of a token that can write when <c>npm token create</c> names none (npmjs: 7 days).</summary>
    public TimeSpan DefaultWriteLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether <c>npm token create --bypass-2fa</c> is allowed at all.</summary>
    public bool AllowBypass { get; set; } = true;

    /// <summary>
    /// How long a token from <c>npm login</c> (couch or web login through the gateway) may be used; unset: as long as
    /// the registry accepts it. npmjs gives login sessions 2 hours.
    /// </summary>
    public TimeSpan? LoginLifetime { get; set; }

    /// <summary>
    /// What a token the gateway has no record of may do (made before the gateway, or by another path than
    /// <c>npm token create</c> and <c>npm login</c> through it): <c>full</c> (what its owner may, with the owner's
    /// second factor), or <c>read-only</c>.
    /// </summary>
    public UnrecordedTokens Unrecorded { get; set; } = UnrecordedTokens.Full;
}

public enum UnrecordedTokens
{
    Full,
    ReadOnly,
}
