using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Metrics;
using Gateway.Policy;
using Microsoft.Extensions.Options;

namespace Gateway.Npm;

/// <summary>
/// What the second-factor stage decided for one protected request, recorded once: the request counter (class,
/// decision) and, for a challenge, a factor accepted or a report-only pass, the audit event. A refused code is
/// audited by the core's verifier, where it is judged. Also the one reading of <c>Gateway:Enforcement</c>.
/// </summary>
internal sealed class SecondFactorDecisions(AuditTrail audit, GatewayMetrics metrics, IOptions<GatewayOptions> options)
{
    private static readonly string[] ProfilePath = ["-", "npm", "v1", "user"];

    /// <summary>
    /// Report-only mode lets a request without a code through, except a change of the profile (2FA itself
    /// among it): a stolen token must never be enough to remove or replace the factor a user enrolled
    /// (docs/SECURITY.md), whatever the rollout stage.
    /// </summary>
    public bool ForwardsWithoutCode(GatewayRequestFeature feature) =>
        options.Value.ReportOnly && !feature.Path.Segments.AsSpan().SequenceEqual(ProfilePath);

    /// <summary>The request needs no second factor for this caller (2FA off, or a class the mode does not cover).</summary>
    public void NotRequired(GatewayRequestFeature feature) => metrics.Request(ClassName(feature), "not-required");

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
        audit.RecordAsync(type, feature.Caller?.Username, outcome, feature.Classification.Action, feature.Classification.Package, cancellation);

    private static string ClassName(GatewayRequestFeature feature) => feature.Classification.Class switch
    {
        ProtectionClass.Auth => "auth",
        ProtectionClass.Writes => "writes",
        _ => "none",
    };
}
