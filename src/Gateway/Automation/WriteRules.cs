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
    /// <param name="token">The token's attributes when the gateway recorded it; null for any other credential.</param>
    /// <param name="unrecordedToken">The caller used a bearer token the gateway has no record of.</param>
    public static WriteVerdict Decide(
        RequestClassification request, TwoFactorMode mode, TokenAttributes? token, bool unrecordedToken, TokenOptions options,
        PackageMfa packageRule, IPAddress? client, DateTimeOffset now, PackageRulesFile.ScopeRequirement? scope = null)
    {
        if (token is not null && TokenRefusal(request, token, client, now) is { } refused)
        {
            return refused;
        }

        if (unrecordedToken && options.Unrecorded == UnrecordedTokens.ReadOnly && request.Class != ProtectionClass.None)
        {
            return WriteVerdict.Refuse(403, "This token was not created through the 2FA gateway, and this registry lets such tokens only read. Create one with npm token create.");
        }

        if (scope is not null && request.Class != ProtectionClass.None && mode < scope.Require)
        {
            return WriteVerdict.Refuse(403, $"The {scope.Scope} scope requires two-factor authentication ({scope.Require.ToWire()}) of everyone who writes to it. "
                + $"Enable it with: npm profile enable-2fa {scope.Require.ToWire()}") with { LacksSecondFactor = true };
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

        if (request.Class == ProtectionClass.None)
        {
            return null;
        }

        if (token.Permission == TokenPermission.ReadOnly)
        {
            return WriteVerdict.Refuse(403, $"This token is read-only: it cannot {request.Action}{Of(request.Package)}.");
        }

        if (token.Permission == TokenPermission.StageOnly)
        {
            // Staging (npm stage publish) is not protected; everything protected, approving a stage included, is
            // left to a person with a second factor.
            return WriteVerdict.Refuse(403, $"This token may only stage releases (read-write-stage-only): it cannot {request.Action}{Of(request.Package)}.");
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
        // profile) is governance and takes the owner's second factor anyway.
        return request.Package is null || token.Covers(request.Package) ? null : PackageRefusal(request.Action.Name, request.Package, token);
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

    private static string Of(string? package) => package is null ? "" : " " + package;

    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
