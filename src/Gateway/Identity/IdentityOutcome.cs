namespace Gateway.Identity;

public enum IdentityOutcome
{
    /// <summary>The caller is a known registry user.</summary>
    Known,

    /// <summary>No credential at all: the registry refuses a protected request by itself.</summary>
    Anonymous,

    /// <summary>
    /// A credential the registry does not attribute to a user (its whoami refused it, or named nobody):
    /// a protected request is refused, never forwarded as if anonymous, because the registry might still
    /// act on it (e.g. a token restricted to client addresses that whoami, asked from elsewhere, refuses).
    /// </summary>
    Refused,
}
