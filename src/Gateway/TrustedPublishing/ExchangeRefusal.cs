namespace Gateway.TrustedPublishing;

/// <summary>Why an exchange was refused: the audit log's words. The client reads only npm's status and message (<see cref="ExchangeRefusals"/>).</summary>
public enum ExchangeRefusal
{
    /// <summary>No <c>Bearer</c> id token, or not a JWT.</summary>
    Malformed,

    /// <summary>The token's <c>iss</c> is not a configured issuer.</summary>
    UnknownIssuer,

    /// <summary>Not signed by the issuer's keys, or with an algorithm other than RS256/ES256.</summary>
    BadSignature,

    /// <summary><c>aud</c> is not one of the gateway's audiences.</summary>
    WrongAudience,

    /// <summary>Expired, not yet valid, or without <c>exp</c>.</summary>
    Expired,

    /// <summary>Issued longer ago than <see cref="TrustedPublishingOptions.MaxTokenAge"/>, in the future, or without <c>iat</c>.</summary>
    TooOld,

    /// <summary>Without a <c>jti</c> (single use cannot be enforced).</summary>
    NoTokenId,

    /// <summary>This <c>jti</c> was exchanged before.</summary>
    Replayed,

    /// <summary>The package has no trust configuration.</summary>
    NoTrustConfiguration,

    /// <summary>The claims do not match the package's trust configuration.</summary>
    ClaimsMismatch,

    /// <summary>The issuer's keys could not be fetched.</summary>
    KeysUnavailable,

    /// <summary>Too many exchanges from the client's network.</summary>
    RateLimited,

    /// <summary>The registry does not accept <c>Gateway:TrustedPublishing:RegistryToken</c> (a configuration fault).</summary>
    RegistryCredentialRefused,
}

/// <summary>npm's answers for each refusal (npm OpenAPI <c>oidc.yaml</c>): the status and the message, never the reason.</summary>
public static class ExchangeRefusals
{
    public static (int Status, string Message) Answer(ExchangeRefusal refusal) => refusal switch
    {
        ExchangeRefusal.Malformed => (400, "OIDC token exchange error - bad request"),
        ExchangeRefusal.NoTrustConfiguration or ExchangeRefusal.ClaimsMismatch => (404, "OIDC token exchange error - package not found"),
        ExchangeRefusal.KeysUnavailable or ExchangeRefusal.RegistryCredentialRefused => (500, "OIDC token exchange error - internal server error"),
        ExchangeRefusal.RateLimited => (429, "OIDC token exchange error - too many requests"),
        _ => (401, "OIDC token exchange error - unauthorized"),
    };

    public static string ToWire(this ExchangeRefusal refusal) => refusal switch
    {
        ExchangeRefusal.Malformed => "malformed",
        ExchangeRefusal.UnknownIssuer => "unknown-issuer",
        ExchangeRefusal.BadSignature => "bad-signature",
        ExchangeRefusal.WrongAudience => "wrong-audience",
        ExchangeRefusal.Expired => "expired",
        ExchangeRefusal.TooOld => "too-old",
        ExchangeRefusal.NoTokenId => "no-jti",
        ExchangeRefusal.Replayed => "replayed-jti",
        ExchangeRefusal.NoTrustConfiguration => "no-trust-configuration",
        ExchangeRefusal.ClaimsMismatch => "claims-mismatch",
        ExchangeRefusal.KeysUnavailable => "keys-unavailable",
        ExchangeRefusal.RegistryCredentialRefused => "registry-credential-refused",
        _ => "rate-limited",
    };
}
