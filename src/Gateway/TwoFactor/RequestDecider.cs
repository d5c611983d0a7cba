using System.Text.Json;
using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Identity;
using Gateway.Policy;

namespace Gateway.TwoFactor;

/// <summary>
/// The one decision for a request (docs/ARCHITECTURE.md, "One decision"), on plain values: who is calling and with what
/// credential, the caller's mode, the token's limits, the package's and scope's rules, report-only. Pure: the same
/// input always gives the same decision, so it is tested without a host, and every rule is in one place.
/// </summary>
public static class RequestDecider
{
    /// <summary>The words of the anonymous refusal, which Npm/AnonymousRefusal.cs writes with npm's "log in" headers.</summary>
    public const string AnonymousMessage =
        "You must be logged in to do this: run npm login (or npm adduser) first. The 2FA gateway does not forward a protected request that carries no credential.";

    private const string UnknownCredentialMessage =
        "The registry does not accept these credentials (log in again with npm login). The 2FA gateway does not forward a protected request it cannot attribute to an account.";

    private const string SideDoorMessage =
        "This registry endpoint cannot ask for a second factor, so the 2FA gateway does not let it mint or change credentials. Use npm login, or the gateway's pages at -/gateway/ under this registry's URL.";

    /// <summary>The requests whose body the gateway acts on besides a login's: the stages read it before deciding.</summary>
    public static bool ReadsBody(RequestClassification request) =>
        request.Class != ProtectionClass.None && (request.Action == NpmAction.TokenCreate || request.Action == NpmAction.Access);

    /// <summary>
    /// Whether the decision needs the caller: every protected request but the web login, which is how a caller without a
    /// credential gets one (its page checks the password and the second factor), and the trusted-publishing exchange,
    /// whose credential is a CI provider's id token that only its endpoint checks (never the registry's whoami); and
    /// staging, which asks for no second factor but is decided on its caller and token (a stage-only token may stage, a
    /// read-only one may not) and is never forwarded anonymously.
    /// </summary>
    public static bool NeedsCaller(RequestClassification request) =>
        (request.Class != ProtectionClass.None || request.Action.Stages) && request.Action != NpmAction.WebLogin && request.Action != NpmAction.OidcExchange;

    /// <summary>
    /// What report-only never forwards without a code: a change of the account's own credentials — a profile write (the
    /// password among it) or a 2FA change, and a registry side door that is not a login — since a stolen token must never
    /// be enough to remove or replace a factor the user enrolled, or to take the password (docs/SECURITY.md), whatever
    /// the rollout stage; and approving or rejecting a staged release, whose second factor is what staging is for.
    /// Decided from the action the policy matched in any spelling of the path, never from the path's text.
    /// </summary>
    public static bool AlwaysEnforced(RequestClassification request) =>
        request.Action == NpmAction.ProfileSet || request.Action == NpmAction.TwoFactorChange || request.Action == NpmAction.Trust
        || request.Action.SecondFactorAlways
        || (request.SideDoor && request.AccountKey is null);

    public static RequestDecision Decide(DecisionInput input)
    {
        var request = input.Request;
        if (!NeedsCaller(request))
        {
            return DecideWithoutCaller(request, input.HasCredential, input.NamesOwnToken);
        }

        if (CallerRefusal(input) is { } refusal)
        {
            return Refuse(refusal);
        }

        if (input.Token?.Publisher is { } publisher)
        {
            // A trusted workflow's token: its one package, its permissions, no second factor, nothing else (npmjs semantics).
            return TrustedPublisherRules.Refusal(request, input.Token, input.Client, input.Now) is { } refused
                ? Refuse(new Refusal(refused.Status, refused.Message!, RefusalReason.TrustedPublisher))
                : new RequestDecision { Kind = DecisionKind.Forward, TrustedPublisher = publisher };
        }

        if (request.Action == NpmAction.Trust && TrustChangeRefusal(input) is { } trustRefusal)
        {
            return Refuse(trustRefusal);
        }

        var verdict = WriteRules.Decide(request, input.Mode, input.Token, input.UnrecordedToken, input.TokenOptions, input.PackageRule,
            input.Client, input.Now, input.Scope, input.Staging);
        var reportOnly = input.ReportOnly && !AlwaysEnforced(request);
        var record = Record(input);
        if (verdict is { Requirement: Requirement.Refused, LacksSecondFactor: true } && reportOnly)
        {
            // Report-only: the account lacks the second factor the package or scope requires; recorded and forwarded.
            return new RequestDecision { Kind = DecisionKind.Forward, ReportOnly = true, WouldChallenge = true, Record = record };
        }

        if (verdict.Requirement == Requirement.Refused)
        {
            return Refuse(new Refusal(verdict.Status, verdict.Message!, RefusalReason.TokenOrPackageRules));
        }

        // Trusted publishers: always a second factor, whatever the caller's mode (npmjs requires npm-otp for every trust command).
        var needsSecondFactor = verdict.Requirement == Requirement.SecondFactor || request.Action == NpmAction.Trust;
        if (request.Action == NpmAction.TokenCreate)
        {
            var parsed = TokenRequest.Parse(input.Body ?? default, input.User!, input.TokenOptions, input.Now);
            if (parsed.Attributes is null)
            {
                return Refuse(new Refusal(parsed.Status, parsed.Problem!, RefusalReason.Malformed));
            }

            record = record with { TokenToRecord = parsed.Attributes };
        }

        if (request.Action == NpmAction.Access && PackageRuleChange(input) is { } change)
        {
            if (change.Refusal is { } refused)
            {
                return Refuse(refused);
            }

            // Changing a package's publishing rule always takes a second factor, whatever the caller's own mode.
            needsSecondFactor = true;
            record = record with { PackageRuleChange = change.Rule };
        }

        return new RequestDecision
        {
            Kind = needsSecondFactor ? DecisionKind.SecondFactor : DecisionKind.Forward,
            BypassedByToken = verdict.Bypassed,
            ReportOnly = reportOnly,
            CheckLoginPassword = input.PasswordLogin && input.Mode.Requires(request.Class),
            Accepts = request.SideDoor ? AcceptedFactors.SideDoor : AcceptedFactors.CodeOrWebApproval,
            StageOnlyToken = input.Token?.Permission == TokenPermission.StageOnly,
            Record = record,
        };
    }

    /// <summary>
    /// Class none, and the web login (<see cref="NeedsCaller"/> is false): forwarded or answered, unless it means nothing
    /// without a credential. Needs no lookup, so the read path decides without one and allocates nothing.
    /// </summary>
    /// <param name="hasCredential">The request carries a non-empty <c>Authorization</c>.</param>
    /// <param name="namesOwnToken">A logout presenting the very token it names.</param>
    public static RequestDecision DecideWithoutCaller(RequestClassification request, bool hasCredential, bool namesOwnToken)
    {
        if (request.Action.NeedsCredential && !hasCredential)
        {
            return Refuse(new Refusal(401, AnonymousMessage, RefusalReason.Anonymous));
        }

        return request.Action == NpmAction.Logout && namesOwnToken
            ? new RequestDecision { Kind = DecisionKind.Forward, Record = new AroundForward(EndLoggedOutToken: true) }
            : RequestDecision.Read;
    }

    private static Refusal? CallerRefusal(DecisionInput input) => input.Identity switch
    {
        IdentityOutcome.Refused => new Refusal(401, UnknownCredentialMessage, RefusalReason.CredentialUnknown),
        IdentityOutcome.Anonymous when input.Request.SideDoor => new Refusal(403, SideDoorMessage, RefusalReason.SideDoor),
        IdentityOutcome.Anonymous => new Refusal(401, AnonymousMessage, RefusalReason.Anonymous),
        _ when input.User is null => new Refusal(401, AnonymousMessage, RefusalReason.Anonymous),
        _ => null,
    };

    private static AroundForward Record(DecisionInput input)
    {
        var request = input.Request;
        return new AroundForward(
            // The token a login returns is recorded too, so that Unrecorded = read-only means "not from this gateway".
            TokenToRecord: request.Action == NpmAction.Login && input.PasswordLogin
                ? TokenAttributes.ForLogin(input.User!, input.Now, input.TokenOptions.LoginLifetime) : null,
            RecordPublisher: request.Action == NpmAction.Publish && request.Package is not null,
            RecordScopeMembers: request.Action == NpmAction.Owner && PackageRulesFile.ScopeName(request.Package) is not null && input.Body is not null,
            ForgetRevokedToken: request.Action == NpmAction.TokenRevoke);
    }

    /// <summary><c>npm access set mfa=…</c>: the rule the body asks for, or why it is refused; null when the body changes no rule.</summary>
    private static (PackageMfa? Rule, Refusal? Refusal)? PackageRuleChange(DecisionInput input)
    {
        if (input.Body is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty("publish_requires_tfa", out var requires))
        {
            return null;
        }

        if (requires.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return (null, new Refusal(400, "publish_requires_tfa must be true or false.", RefusalReason.Malformed));
        }

        if (input.Mode == TwoFactorMode.Disabled)
        {
            return (null, new Refusal(403,
                "Changing a package's two-factor rule needs two-factor authentication on your account. Enable it with: npm profile enable-2fa auth-and-writes",
                RefusalReason.RuleChangeWithoutTwoFactor));
        }

        var overrides = json.TryGetProperty("automation_token_overrides_tfa", out var o) && o.ValueKind == JsonValueKind.True;
        return (PackageMfaWire.FromFlags(requires.ValueKind == JsonValueKind.True, overrides), null);
    }

    /// <summary>
    /// <c>npm trust</c>: a trusted publisher lets a workflow publish with no second factor, so configuring one takes a
    /// person's: an account without 2FA, and a bypass-2FA token, are refused (npmjs: "2fa required or insufficient permissions").
    /// </summary>
    private static Refusal? TrustChangeRefusal(DecisionInput input)
    {
        if (input.Token is { BypassTwoFactor: true })
        {
            return new Refusal(403, "2fa required or insufficient permissions: a token created with --bypass-2fa cannot manage trusted publishers.", RefusalReason.TokenOrPackageRules);
        }

        return input.Mode == TwoFactorMode.Disabled
            ? new Refusal(403, "2fa required or insufficient permissions: managing trusted publishers needs two-factor authentication on your account. Enable it with: npm profile enable-2fa auth-and-writes",
                RefusalReason.RuleChangeWithoutTwoFactor)
            : null;
    }

    private static RequestDecision Refuse(Refusal refusal) => new() { Kind = DecisionKind.Refuse, Refusal = refusal };
}
