using Gateway.Automation;
using Gateway.Identity;
using Gateway.Policy;
using Gateway.TwoFactor;

namespace Gateway.Npm;

/// <summary>
/// What the npm stages learn about one request, in the order they learn it (docs/ARCHITECTURE.md, "One decision"):
/// the classification (stage 1), the caller (stage 2), the one decision (stage 3), and the second factor the
/// enforcement point accepted (stage 4). Each is set once, by the stage that owns it; later stages and the gateway's
/// endpoints only read them.
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

    /// <summary>The small JSON body the stages read (to classify the request, or because the gateway acts on it), if they read one.</summary>
    public System.Text.Json.JsonElement? Body { get; internal set; }

    /// <summary>
    /// Stage 1b: the trusted workflow whose gateway-minted token the request presents, once the token's record allowed the
    /// request: what the proxy route forwards with the registry credential instead (<see cref="TrustedPublisherCredentialMiddleware"/>).
    /// </summary>
    public TrustedPublisher? TrustedPublisher { get; private set; }

    /// <summary>Stage 2, protected requests: the caller, when known.</summary>
    public CallerIdentity? Caller { get; private set; }

    /// <summary>
    /// Stage 2, logins only: the password the login's body proves (the registry checks it too). Checked
    /// before any second factor counts, so that only someone holding the password can touch the account's
    /// lock-out counter. A secret: never logged.
    /// </summary>
    public string? LoginPassword { get; private set; }

    /// <summary>Stage 3: the one decision (<see cref="RequestDecider"/>).</summary>
    public RequestDecision Decision { get; private set; } = RequestDecision.Read;

    /// <summary>Stage 4: the second factor accepted for this request (<c>totp</c>, <c>recovery-code</c>, <c>web</c>), if one was needed.</summary>
    public string? SecondFactor { get; private set; }

    /// <summary>
    /// The proxy route this request was routed to, kept when the enforcement point hands the request to a gateway
    /// endpoint instead: the endpoints that answer with the registry's answer forward through it (<see cref="RegistryForward"/>).
    /// </summary>
    internal Endpoint? RegistryRoute { get; set; }

    internal void Identified(CallerIdentity? caller, string? loginPassword)
    {
        Caller = caller;
        LoginPassword = loginPassword;
    }

    internal void Decided(RequestDecision decision) => Decision = decision;

    internal void PresentsTrustedPublisher(TrustedPublisher publisher) => TrustedPublisher = publisher;

    internal void Verified(string? factor) => SecondFactor = factor;
}
