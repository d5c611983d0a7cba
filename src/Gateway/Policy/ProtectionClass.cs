namespace Gateway.Policy;

/// <summary>How much a request needs a second factor. Ordered: a larger value is stricter.</summary>
public enum ProtectionClass
{
    /// <summary>Never needs a second factor (reads, star, logout).</summary>
    None = 0,

    /// <summary>Needs a second factor only in the <c>auth-and-writes</c> mode (publish, dist-tag, owner …).</summary>
    Writes = 1,

    /// <summary>Needs a second factor in both modes (login, tokens, profile, 2FA changes).</summary>
    Auth = 2,
}
