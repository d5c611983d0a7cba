namespace Gateway.Identity;

public enum IdentityOutcome
{
    /// <summary>The caller is a known registry user.</summary>
    Known,

    /// <summary>No credential, or one the registry does not accept: the registry will refuse the request itself.</summary>
    Anonymous,

    /// <summary>The registry's whoami (or the store's cache) could not answer: protected requests fail closed.</summary>
    Unavailable,
}
