using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Identity;
using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// What the gateway's stages learn about one proxied request. Stages communicate only through this
/// object (set in <see cref="HttpContext.Features"/>), never by calling each other.
/// </summary>
public sealed class GatewayRequestFeature
{
    /// <summary>Stage 1: the npm action and the second factor it needs.</summary>
    public required RequestClassification Classification { get; init; }

    /// <summary>Stage 1: the normalised path the policy matched.</summary>
    public required RequestPath Path { get; init; }

    /// <summary>
    /// Stage 1: the request target exactly as received and forwarded (Proxy/RawTargetTransform.cs), already
    /// checked to be plain origin-form RFC 3986. A secret where npm puts a token in the path: never logged.
    /// </summary>
    public required string RawTarget { get; init; }

    /// <summary>Stage 2: whether the caller could be identified (only for protected classes).</summary>
    public IdentityOutcome IdentityOutcome { get; set; } = IdentityOutcome.Anonymous;

    /// <summary>Stage 2: the caller, when known.</summary>
    public CallerIdentity? Caller { get; set; }

    /// <summary>
    /// Stage 2, logins only: the password the login's body proves (the registry checks it too). Checked
    /// before any second factor counts, so that only someone holding the password can touch the account's
    /// lock-out counter. A secret: never logged.
    /// </summary>
    public string? LoginPassword { get; set; }

    /// <summary>Stage 3: the caller's 2FA mode.</summary>
    public TwoFactorMode Mode { get; set; } = TwoFactorMode.Disabled;

    /// <summary>
    /// Stage 3b: whether this request needs a verified second factor — the caller's mode, raised by the package's
    /// publishing rule, lowered only by a bypass-2FA token (Automation/WriteRules.cs).
    /// </summary>
    public bool SecondFactorRequired { get; set; }

    /// <summary>Stage 3b: a bypass-2FA token is why no second factor was needed.</summary>
    public bool BypassedByToken { get; set; }

    /// <summary>Stage 3b, token creations and logins: what the gateway will record for the token the registry returns.</summary>
    public TokenAttributes? TokenToRecord { get; set; }

    /// <summary>Stage 3b, <c>npm access set mfa=…</c> only: the rule the gateway will set itself.</summary>
    public PackageMfa? PackageRuleChange { get; set; }

    /// <summary>Stage 4: the second factor accepted for this request (<c>totp</c>, <c>recovery-code</c>), if one was needed.</summary>
    public string? SecondFactor { get; set; }

    /// <summary>The small JSON body the policy read to classify the request, if it read one.</summary>
    public System.Text.Json.JsonElement? Body { get; set; }
}
