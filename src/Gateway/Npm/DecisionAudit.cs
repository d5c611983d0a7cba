using Gateway.Audit;
using Gateway.Metrics;
using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// What the enforcement point did with one protected request, recorded once: the request counter (class, decision)
/// and the audit event — a challenge, a factor accepted, a bypass token, a report-only pass, a refusal by token or
/// package rules, a token created or revoked, a package rule changed. A refused code is audited by the core's
/// verifier, where it is judged.
/// </summary>
internal sealed class DecisionAudit(AuditTrail audit, GatewayMetrics metrics)
{
    /// <summary>
    /// The request needs no second factor: 2FA off or a class the mode does not cover (counted only), or a
    /// bypass-2FA token let a write through without one (counted and audited: it is how the request was allowed).
    /// </summary>
    public ValueTask PassedAsync(GatewayRequestFeature feature, CancellationToken cancellation)
    {
        if (feature.Decision.TrustedPublisher is { } publisher)
        {
            // How the write was allowed: by a workflow's identity, named in full (docs/SECURITY.md, "Trusted publishing").
            metrics.Request(ClassName(feature), "trusted-publisher");
            return RecordAsync(AuditEventTypes.TrustedPublisherWrite, feature, "trusted-publisher " + publisher.Describe(), cancellation);
        }

        if (!feature.Decision.BypassedByToken)
        {
            metrics.Request(ClassName(feature), "not-required");
            return ValueTask.CompletedTask;
        }

        metrics.Request(ClassName(feature), "bypass-token");
        return RecordAsync(AuditEventTypes.RequestAllowed, feature, "bypass-token", cancellation);
    }

    /// <summary>Refused by a token's limits or a package's rule (stage 3b), before any second factor.</summary>
    public ValueTask RefusedByRulesAsync(GatewayRequestFeature feature, CancellationToken cancellation)
    {
        metrics.Request(ClassName(feature), "refused-by-rules");
        return RecordAsync(AuditEventTypes.RequestRefused, feature, "token-or-package-rules", cancellation);
    }

    /// <summary>A token the registry created through the gateway, with the limits the gateway enforces (never the token).</summary>
    public ValueTask TokenCreatedAsync(GatewayRequestFeature feature, Automation.TokenAttributes token, CancellationToken cancellation) =>
        RecordAsync(AuditEventTypes.TokenCreated, feature, Automation.TokenSummary.Of(token), cancellation);

    public ValueTask TokenRevokedAsync(GatewayRequestFeature feature, CancellationToken cancellation) =>
        RecordAsync(AuditEventTypes.TokenRevoked, feature, "revoked", cancellation);

    /// <param name="rule">The package's new two-factor rule, as npm writes it.</param>
    public ValueTask PackageRuleChangedAsync(GatewayRequestFeature feature, string rule, CancellationToken cancellation) =>
        RecordAsync(AuditEventTypes.PackageRuleChanged, feature, rule, cancellation);

    public ValueTask AllowedAsync(GatewayRequestFeature feature, string? factor, CancellationToken cancellation)
    {
        metrics.Request(ClassName(feature), "allowed");
        return RecordAsync(AuditEventTypes.RequestAllowed, feature, factor ?? "unknown", cancellation);
    }

    public ValueTask WouldChallengeAsync(GatewayRequestFeature feature, CancellationToken cancellation)
    {
        metrics.Request(ClassName(feature), "would-challenge");
        metrics.Challenge("would-challenge");
        return RecordAsync(AuditEventTypes.WouldChallenge, feature, "would-challenge", cancellation);
    }

    /// <param name="kind"><c>otp</c>, <c>web</c> (with a web flow) or <c>side-door</c>.</param>
    public ValueTask ChallengedAsync(GatewayRequestFeature feature, string kind, CancellationToken cancellation)
    {
        metrics.Request(ClassName(feature), "challenged");
        metrics.Challenge(kind);
        return RecordAsync(AuditEventTypes.ChallengeIssued, feature, kind, cancellation);
    }

    /// <param name="decision"><c>refused</c> (a wrong or replayed code) or <c>locked</c>.</param>
    public void Refused(GatewayRequestFeature feature, string decision) => metrics.Request(ClassName(feature), decision);

    private ValueTask RecordAsync(string type, GatewayRequestFeature feature, string outcome, CancellationToken cancellation) =>
        audit.RecordAsync(type, feature.Caller?.Username, outcome, feature.Classification.Action.Name, feature.Classification.Package, cancellation);

    private static string ClassName(GatewayRequestFeature feature) => feature.Classification.Class switch
    {
        ProtectionClass.Auth => "auth",
        ProtectionClass.Writes => "writes",
        _ => "none",
    };
}
