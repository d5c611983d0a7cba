using System.Net;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Identity;
using Gateway.Policy;

namespace Gateway.TwoFactor;

/// <summary>Everything <see cref="RequestDecider"/> decides on, gathered by the npm stages: plain values, no HTTP.</summary>
/// <param name="Request">What the route policy made of the request.</param>
/// <param name="Identity">Whether the caller could be identified (protected requests only).</param>
/// <param name="User">The caller, when known.</param>
/// <param name="HasCredential">The request carries a non-empty <c>Authorization</c>.</param>
/// <param name="PasswordLogin">A login whose body carries the password it proves (couch login).</param>
/// <param name="Mode">The caller's 2FA mode.</param>
/// <param name="Token">The recorded attributes of the bearer token presented, if the gateway recorded it.</param>
/// <param name="UnrecordedToken">A bearer token the gateway has no record of.</param>
/// <param name="PackageRule">The package's two-factor rule.</param>
/// <param name="Scope">The rule of the package's scope (config/package-rules.json), if any.</param>
/// <param name="ReportOnly">Report-only rollout, gateway-wide or for the package's scope.</param>
/// <param name="Body">The JSON body, for the requests whose body the gateway acts on (<see cref="RequestDecider.ReadsBody"/>).</param>
/// <param name="NamesOwnToken">A logout presenting the very token it names.</param>
/// <param name="Staging">Whether the package's publishes must be staged (for a publish naming no package: any package's strictest rule).</param>
public sealed record DecisionInput(
    RequestClassification Request,
    IdentityOutcome Identity,
    string? User,
    bool HasCredential,
    bool PasswordLogin,
    TwoFactorMode Mode,
    TokenAttributes? Token,
    bool UnrecordedToken,
    PackageMfa PackageRule,
    PackageRulesFile.ScopeRequirement? Scope,
    bool ReportOnly,
    JsonElement? Body,
    bool NamesOwnToken,
    IPAddress? Client,
    DateTimeOffset Now,
    TokenOptions TokenOptions,
    StagedPublishing Staging = StagedPublishing.None);
