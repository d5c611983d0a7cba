using Gateway.Accounts;
using Gateway.Automation;

namespace Gateway.TwoFactor;

/// <summary>What the gateway does with one request before it reaches the registry or a gateway endpoint.</summary>
public enum DecisionKind
{
    /// <summary>Forward (or answer) without a second factor.</summary>
    Forward,

    /// <summary>Forward (or answer) only with a verified second factor.</summary>
    SecondFactor,

    /// <summary>Answer <see cref="RequestDecision.Refusal"/>; nothing reaches the registry.</summary>
    Refuse,
}

/// <summary>Why a request was refused, for metrics and the audit trail; the words the client reads are in <see cref="Refusal.Message"/>.</summary>
public enum RefusalReason
{
    /// <summary>No credential where one is needed: npm's "log in" answer, never forwarded.</summary>
    Anonymous,

    /// <summary>The registry does not know the credential.</summary>
    CredentialUnknown,

    /// <summary>A registry side door with no credential: it cannot ask for a second factor.</summary>
    SideDoor,

    /// <summary>The token's limits, the package's rule or the scope's rule.</summary>
    TokenOrPackageRules,

    /// <summary>The body of a request the gateway acts on is not what npm sends.</summary>
    Malformed,

    /// <summary>Changing a package's two-factor rule, or its trusted publishers, from an account without 2FA.</summary>
    RuleChangeWithoutTwoFactor,

    /// <summary>A trusted-publishing token used for anything but reading, publishing or staging its package.</summary>
    TrustedPublisher,
}

public sealed record Refusal(int Status, string Message, RefusalReason Reason);

/// <summary>What the gateway records or does around the registry's answer (or answers itself), decided with the rest.</summary>
/// <param name="TokenToRecord">The attributes of the token a token creation or a login returns.</param>
/// <param name="PackageRuleChange">The package's new two-factor rule, set by the gateway itself (registries keep none).</param>
/// <param name="RecordPublisher">Who published the package, once the registry accepted it.</param>
/// <param name="RecordScopeMembers">The maintainers an owner change lists become members of the package's scope.</param>
/// <param name="ForgetRevokedToken">Drop the record of the token the registry revokes.</param>
/// <param name="EndLoggedOutToken">End the record of the token that logs itself out.</param>
public sealed record AroundForward(
    TokenAttributes? TokenToRecord = null, PackageMfa? PackageRuleChange = null, bool RecordPublisher = false, bool RecordScopeMembers = false,
    bool ForgetRevokedToken = false, bool EndLoggedOutToken = false)
{
    public static readonly AroundForward Nothing = new();
}

/// <summary>
/// The one decision for a request, computed once by <see cref="RequestDecider"/> from plain values and then only
/// enforced: whether a second factor is needed, a bypass by token, report-only, a refusal and its reason, and what to
/// record around the forward (docs/ARCHITECTURE.md, "One decision").
/// </summary>
public sealed record RequestDecision
{
    /// <summary>A read that needs nothing: shared, so the read path allocates no decision.</summary>
    public static readonly RequestDecision Read = new() { Kind = DecisionKind.Forward };

    public required DecisionKind Kind { get; init; }

    /// <summary>Set when <see cref="Kind"/> is <see cref="DecisionKind.Refuse"/>.</summary>
    public Refusal? Refusal { get; init; }

    /// <summary>A bypass-2FA token is why no second factor is needed (counted and audited: it is how the request was allowed).</summary>
    public bool BypassedByToken { get; init; }

    /// <summary>
    /// Report-only rollout (<c>Gateway:Enforcement</c>, or the scope's <c>"enforcement": "report-only"</c>): a second factor
    /// that is missing is recorded as "would challenge" and the request forwarded; a code that is sent is still judged.
    /// Never for a change of the account's own credentials (<see cref="RequestDecider.AlwaysEnforced"/>).
    /// </summary>
    public bool ReportOnly { get; init; }

    /// <summary>Report-only forgave a refusal for lacking the second factor a package or scope requires: forwarded, recorded as "would challenge".</summary>
    public bool WouldChallenge { get; init; }

    /// <summary>A login of an account with 2FA: its password is checked at the registry before any second factor counts.</summary>
    public bool CheckLoginPassword { get; init; }

    /// <summary>
    /// Which second factors count. A client of npm's protocol sends a code (TOTP or recovery code) or a web approval in
    /// <c>npm-otp</c>; a registry side door cannot, so its challenge points at the gateway's pages instead.
    /// </summary>
    public AcceptedFactors Accepts { get; init; } = AcceptedFactors.CodeOrWebApproval;

    /// <summary>
    /// The caller's token may only stage releases (<c>read-write-stage-only</c>): the staging endpoints show such a
    /// caller only what it staged itself. Its approvals and rejections never get this far (refused 403).
    /// </summary>
    public bool StageOnlyToken { get; init; }

    public AroundForward Record { get; init; } = AroundForward.Nothing;

    /// <summary>
    /// A trusted workflow's token allowed without a second factor: the request goes on with the registry credential of
    /// <c>Gateway:TrustedPublishing:RegistryToken</c> (Npm/TrustedPublisherCredentialMiddleware), audited with the workflow.
    /// </summary>
    public TrustedPublisher? TrustedPublisher { get; init; }
}

/// <summary>The second factors a request accepts, and so how its challenge reads.</summary>
public enum AcceptedFactors
{
    /// <summary>A TOTP code, a recovery code, or a web approval (a security key or code on the gateway's page), in <c>npm-otp</c>.</summary>
    CodeOrWebApproval,

    /// <summary>The same, but the client cannot prompt for it (a registry side door): the challenge points at the pages.</summary>
    SideDoor,
}
