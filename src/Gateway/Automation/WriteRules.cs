using System.Net;
using Gateway.Accounts;
using Gateway.Policy;

namespace Gateway.Automation;

/// <summary>What a protected request needs, once its token's attributes and its package's rule are known.</summary>
public enum Requirement
{
    /// <summary>Forward without a second factor.</summary>
    None,

    /// <summary>Forward only with a verified second factor.</summary>
    SecondFactor,

    /// <summary>Refuse, whatever second factor comes with it.</summary>
    Refused,
}

/// <param name="Bypassed">A bypass-2FA token is why no second factor is needed (for logs and audit).</param>
/// <param name="LacksSecondFactor">
/// Refused only because the account has no (or too weak a) second factor for what the package or scope requires:
/// what report-only mode records as "would challenge" instead of refusing.
/// </param>
public sealed record WriteVerdict(Requirement Requirement, int Status = 0, string? Message = null, bool Bypassed = false, bool LacksSecondFactor = false)
{
    public static readonly WriteVerdict NotNeeded = new(Requirement.None);
    public static readonly WriteVerdict Needed = new(Requirement.SecondFactor);

    public static WriteVerdict Refuse(int status, string message) => new(Requirement.Refused, status, message);
}

/// <summary>
/// The rules of tokens and package publishing rules in one place, on plain values (docs/SECURITY.md, "Tokens"):
/// a token's own limits first (expiry, network, read-only, packages), then whether a second factor is needed —
/// the user's mode, raised by the package's rule, lowered only by a bypass-2FA token, and never for governance.
/// </summary>
public static class WriteRules
{
    /// <summary>npmjs's answer to approving or rejecting a staged release from an account without 2FA (its stage API, 403).</summary>
    public const string EnableTwoFactorMessage = "Please enable 2fa for your account. Enable it with: npm profile enable-2fa auth-and-writes";

    /// <param name="token">The token's attributes when the gateway recorded it; null for any other credential.</param>
    /// <param name="unrecordedToken">The caller used a bearer token the gateway has no record of.</param>
    /// <param name="staging">
    /// Whether the package's publishes must be staged (config/package-rules.json); for a publish that names no package
    /// (pnpm's batch), the strictest rule of any package, since the batch may contain it.
    /// </param>
    public static WriteVerdict Decide(
        RequestClassification request, TwoFactorMode mode, TokenAttributes? token, bool unrecordedToken, TokenOptions options,
        PackageMfa packageRule, IPAddress? client, DateTimeOffset now, PackageRulesFile.ScopeRequirement? scope = null,
        StagedPublishing staging = StagedPublishing.None)
    {
        if (token is not null && TokenRefusal(request, token, client, now) is { } refused)
        {
            return refused;
        }

        if (unrecordedToken && options.Unrecorded == UnrecordedTokens.ReadOnly && Writes(request))
        {
            return WriteVerdict.Refuse(403, "This token was not created through the 2FA gateway, and this registry lets such tokens only read. Create one with npm token create.");
        }

        if (request.Action.PublishesDirectly && StagingRefusal(request.Package, staging, token, unrecordedToken) is { } mustStage)
        {
            return mustStage;
        }

        if (scope is not null && request.Class != ProtectionClass.None && mode < scope.Require)
        {
            return WriteVerdict.Refuse(403, $"The {scope.Scope} scope requires two-factor authentication ({scope.Require.ToWire()}) of everyone who writes to it. "
                + $"Enable it with: npm profile enable-2fa {scope.Require.ToWire()}") with { LacksSecondFactor = true };
        }

        if (request.Action.SecondFactorAlways)
        {
            // Approving or rejecting a staged release: the second factor is the point of staging, so no mode, token
            // or report-only rollout lowers it (docs/SECURITY.md, "Staged publishing").
            return mode == TwoFactorMode.Disabled ? WriteVerdict.Refuse(403, EnableTwoFactorMessage) : WriteVerdict.Needed;
        }

        var userNeeds = mode.Requires(request.Class);
        var packageNeeds = request.Class != ProtectionClass.None && request.Package is not null && packageRule != PackageMfa.None;
        if (!userNeeds && !packageNeeds)
        {
            return WriteVerdict.NotNeeded;
        }

        if (token is { BypassTwoFactor: true } && request.Class == ProtectionClass.Writes && !request.Governance && packageRule != PackageMfa.Publish)
        {
            return new WriteVerdict(Requirement.None, Bypassed: true);
        }

        if (mode == TwoFactorMode.Disabled)
        {
            return WriteVerdict.Refuse(403, $"{request.Package} requires two-factor authentication for {request.Action}"
                + (packageRule == PackageMfa.Automation ? " (or a token created with --bypass-2fa)" : "")
                + ". Enable it with: npm profile enable-2fa auth-and-writes") with { LacksSecondFactor = true };
        }

        return WriteVerdict.Needed;
    }

    private static WriteVerdict? TokenRefusal(RequestClassification request, TokenAttributes token, IPAddress? client, DateTimeOffset now)
    {
        if (ExpiryOrNetworkRefusal(token, client, now) is { } refused)
        {
            return refused;
        }

        if (!Writes(request))
        {
            return null;
        }

        if (token.Permission == TokenPermission.ReadOnly)
        {
            return WriteVerdict.Refuse(403, $"This token is read-only: it cannot {request.Action}{Of(request.Package)}.");
        }

        if (token.Permission == TokenPermission.StageOnly && !request.Action.Stages)
        {
            // Staging (npm stage publish) needs no second factor; everything protected, approving a stage included, is
            // left to a person with a second factor.
            return WriteVerdict.Refuse(403, StageOnlyMessage(request));
        }

        if (request.Organisation is { } organisation && token.IsLimitedToOrgs)
        {
            if (token.OrgsPermission != OrgsPermission.ReadWrite)
            {
                return WriteVerdict.Refuse(403, $"This token cannot change organisations or teams (its --orgs-permission is {token.OrgsPermission.ToWire()}): it cannot {request.Action} in {organisation}.");
            }

            if (OtherOrganisationRefusal(request.Action.Name, organisation, token) is { } elsewhere)
            {
                return elsewhere;
            }
        }

        // Package limits bound what the token may do to packages; a request that names none (a token, a team, the
        // profile) is governance and takes the owner's second factor anyway. A publish that names none (pnpm's batch)
        // cannot be checked against the limits, so a limited token may not send it: else a stolen bypass token limited
        // to one package would publish any package through the batch route without a code.
        if (request.Package is null)
        {
            return token.IsLimitedToPackages && request.Action.PublishesDirectly
                ? WriteVerdict.Refuse(403, $"This token is limited to {LimitsOf(token)}, and {request.Action} does not say which packages it publishes: publish each package on its own.")
                : null;
        }

        return token.Covers(request.Package) ? null : PackageRefusal(request.Action.Name, request.Package, token);
    }

    /// <summary>The limits that hold for every request presenting the token, reads included (<see cref="ReadRules"/>).</summary>
    internal static WriteVerdict? ExpiryOrNetworkRefusal(TokenAttributes token, IPAddress? client, DateTimeOffset now)
    {
        if (token.Expires is { } expires && expires <= now)
        {
            return WriteVerdict.Refuse(401, $"This token expired on {expires:yyyy-MM-dd HH:mm} UTC. Create a new one with npm token create, or log in again.");
        }

        return token.Cidrs.Count > 0 && (client is null || !token.Cidrs.Any(c => IPNetwork.TryParse(c, out var network) && network.Contains(Normalise(client))))
            ? WriteVerdict.Refuse(403, $"This token may only be used from {string.Join(", ", token.Cidrs)}; this request came from {client}.")
            : null;
    }

    /// <summary>A token limited to named organisations, used on another one.</summary>
    internal static WriteVerdict? OtherOrganisationRefusal(string action, string organisation, TokenAttributes token) =>
        token.Orgs is { Count: > 0 } orgs && !orgs.Contains(organisation, StringComparer.OrdinalIgnoreCase)
            ? WriteVerdict.Refuse(403, $"This token cannot {action} in {organisation}: it is limited to the organisations {string.Join(", ", orgs)}.")
            : null;

    /// <summary>A token used on a package outside its limits; <paramref name="verb"/> is the action (a read: <c>read</c>).</summary>
    internal static WriteVerdict PackageRefusal(string verb, string package, TokenAttributes token) =>
        WriteVerdict.Refuse(403, $"This token cannot {verb}{Of(package)}: it is limited to {LimitsOf(token)}.");

    /// <summary>The packages and scopes a token is limited to, as the refusals name them.</summary>
    internal static string LimitsOf(TokenAttributes token) => string.Join(", ", token.Packages.Concat(token.Scopes.Select(s => s + "/*")));

    /// <summary>A write: every protected action, and staging, which needs no second factor but does change the registry's contents.</summary>
    private static bool Writes(RequestClassification request) => request.Class != ProtectionClass.None || request.Action.Stages;

    private static string StageOnlyMessage(RequestClassification request) =>
        request.Action.PublishesDirectly
            ? $"This token may only stage releases (read-write-stage-only): it cannot publish{Of(request.Package)} directly. Stage it with npm stage publish; a maintainer then approves it with a second factor."
            : request.Action.SecondFactorAlways
                ? "This token may only stage releases (read-write-stage-only): approving or rejecting one takes a maintainer's own login and second factor."
                : $"This token may only stage releases (read-write-stage-only): it cannot {request.Action}{Of(request.Package)}.";

    /// <summary>
    /// A direct publish of a package whose publishes must be staged: refused for everyone, or for tokens — any bearer
    /// token but the one a person's <c>npm login</c> got through the gateway — while a person may still publish directly.
    /// </summary>
    private static WriteVerdict? StagingRefusal(string? package, StagedPublishing staging, TokenAttributes? token, bool unrecordedToken)
    {
        var byToken = unrecordedToken || token is { IsLogin: false };
        if (staging == StagedPublishing.None || (staging == StagedPublishing.RequiredForTokens && !byToken))
        {
            return null;
        }

        var who = staging == StagedPublishing.RequiredForTokens ? " when a token publishes" : "";
        return WriteVerdict.Refuse(403, package is null
            ? $"Some packages on this registry must be published through staging{who}, and a batch publish does not say which packages it contains. "
                + "Stage each package with npm stage publish; a maintainer then approves it with a second factor."
            : $"{package} must be published through staging{who}: stage it with npm stage publish; a maintainer then approves it with npm stage approve <id> and a second factor.");
    }

    private static string Of(string? package) => package is null ? "" : " " + package;

    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
