namespace Gateway.Audit;

/// <summary>The event types of the audit trail, and what each one's <see cref="AuditEvent.Outcome"/> holds.</summary>
public static class AuditEventTypes
{
    /// <summary>2FA turned on; outcome: the mode.</summary>
    public const string TwoFactorEnabled = "2fa-enabled";

    /// <summary>2FA turned off (every factor removed); outcome: <c>disabled</c>.</summary>
    public const string TwoFactorDisabled = "2fa-disabled";

    /// <summary>The 2FA mode changed; outcome: the new mode.</summary>
    public const string ModeChanged = "mode-changed";

    /// <summary>An enrolment was started (a pending secret); outcome: the mode asked for.</summary>
    public const string EnrolmentStarted = "enrolment-started";

    /// <summary>An enrolment code did not match the pending secret; outcome: <c>invalid</c> or <c>locked</c>.</summary>
    public const string EnrolmentRefused = "enrolment-refused";

    /// <summary>A factor was added; outcome: <c>totp</c> or <c>security-key</c>.</summary>
    public const string FactorAdded = "factor-added";

    /// <summary>A factor was removed; outcome: <c>totp</c> or <c>security-key</c>.</summary>
    public const string FactorRemoved = "factor-removed";

    /// <summary>New recovery codes replaced the old ones; outcome: <c>regenerated</c>.</summary>
    public const string RecoveryCodesRegenerated = "recovery-codes-regenerated";

    /// <summary>A recovery code was spent (the first time; npm repeats it within one command); outcome: <c>used</c>.</summary>
    public const string RecoveryCodeUsed = "recovery-code-used";

    /// <summary>A second factor was refused; outcome: <c>invalid</c>, <c>replayed</c> or <c>locked</c>.</summary>
    public const string CodeRefused = "code-refused";

    /// <summary>A failure started a lock-out; outcome: its scope and length, e.g. <c>otp:60s</c>.</summary>
    public const string LockoutStarted = "lockout-started";

    /// <summary>A protected request was answered with a challenge; outcome: <c>otp</c>, <c>web</c> or <c>side-door</c>.</summary>
    public const string ChallengeIssued = "challenge-issued";

    /// <summary>A protected request was let through with a second factor; outcome: the factor (<c>totp</c>, <c>recovery-code</c>, <c>web</c>, <c>security-key</c>).</summary>
    public const string RequestAllowed = "request-allowed";

    /// <summary>Report-only mode: a request that would have been challenged was forwarded; outcome: <c>would-challenge</c>.</summary>
    public const string WouldChallenge = "would-challenge";

    /// <summary>A protected request was refused by a token's limits or a package's rule; outcome: <c>token-or-package-rules</c>.</summary>
    public const string RequestRefused = "request-refused";

    /// <summary>A token was created through the gateway; outcome: the limits it enforces (permission, expiry, packages, networks, bypass-2FA).</summary>
    public const string TokenCreated = "token-created";

    /// <summary>A token was revoked through the gateway; outcome: <c>revoked</c>.</summary>
    public const string TokenRevoked = "token-revoked";

    /// <summary>A maintainer changed a package's two-factor rule; outcome: the rule.</summary>
    public const string PackageRuleChanged = "package-rule-changed";

    /// <summary>A publish was staged for approval (<c>npm stage publish</c>); user: who staged it; outcome: <c>&lt;version&gt; &lt;stage id&gt;</c>.</summary>
    public const string Staged = "staged";

    /// <summary>A staged publish was approved and the registry accepted it; user: the approver; outcome: <c>&lt;version&gt; &lt;stage id&gt; staged-by:&lt;user&gt;</c>.</summary>
    public const string StageApproved = "stage-approved";

    /// <summary>A staged publish was rejected (<c>npm stage reject</c>); user: who rejected it; outcome as for <see cref="StageApproved"/>.</summary>
    public const string StageRejected = "stage-rejected";

    /// <summary>A staged publish waited longer than <c>Gateway:Staging:MaxAge</c> and was removed; user: who staged it; outcome: <c>&lt;version&gt; &lt;stage id&gt;</c>.</summary>
    public const string StageExpired = "stage-expired";

    /// <summary>
    /// A user signed in on the gateway's pages (action <c>account</c>) or completed a web login for npm (action
    /// <c>web-login</c>); outcome: what was proven (<c>password</c>, or the second factor).
    /// </summary>
    public const string SignedIn = "signed-in";

    /// <summary>A page sign-in or web login was refused for a wrong password; outcome: <c>password</c>.</summary>
    public const string SignInRefused = "sign-in-refused";

    /// <summary>A CI workflow exchanged its id token for a trusted-publishing token; outcome: the permissions and the workflow (issuer, project, workflow, ref, environment, run).</summary>
    public const string OidcExchanged = "oidc-exchanged";

    /// <summary>An exchange of a validly signed id token was refused; outcome: the reason and the workflow. (Unsigned or unknown tokens are logged, not audited: anonymous noise.)</summary>
    public const string OidcExchangeRefused = "oidc-exchange-refused";

    /// <summary>A trusted-publishing token was used for a write; outcome: <c>trusted-publisher</c> and the workflow.</summary>
    public const string TrustedPublisherWrite = "trusted-publisher-write";

    /// <summary>A package's trust configuration was created or revoked; outcome: <c>created &lt;id&gt;</c> or <c>revoked &lt;id&gt;</c>.</summary>
    public const string TrustChanged = "trust-changed";

    /// <summary>An operator command changed an account; outcome: the command (<c>reset-2fa</c>, <c>unlock</c>).</summary>
    public const string OperatorAction = "operator-action";
}
