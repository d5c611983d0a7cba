using System.Net;
using Gateway.Policy;

namespace Gateway.Automation;

/// <summary>
/// A recorded token's limits on the requests that need no second factor (class none: reads, and star, stage publish,
/// logout, audit), which the protected stages never see (docs/SECURITY.md, "Tokens"). The same refusals as
/// <see cref="WriteRules"/>, from the same place: expired → 401; outside its networks → 403; a package outside its
/// package and scope limits → 403 naming the package. Read-only tokens may read. A request that names no package
/// passes (search, whoami, ping, the profile) unless the policy names no such action at all: a token limited to
/// packages is refused what the gateway cannot attribute to a package (the registry's own side doors, such as a web
/// UI's API, may serve any package's data).
/// </summary>
public static class ReadRules
{
    /// <param name="fetch">A GET or HEAD: the refusal says "read" rather than the action's name.</param>
    /// <returns>The refusal, or null when the token's limits allow the request.</returns>
    public static WriteVerdict? Refusal(RequestClassification request, TokenAttributes token, bool fetch, IPAddress? client, DateTimeOffset now)
    {
        if (WriteRules.ExpiryOrNetworkRefusal(token, client, now) is { } refused)
        {
            return refused;
        }

        if (request.Organisation is { } organisation)
        {
            return OrganisationRefusal(request, organisation, token);
        }

        if (!token.IsLimitedToPackages)
        {
            return null;
        }

        if (request.Package is { } package)
        {
            return token.Covers(package) ? null : WriteRules.PackageRefusal(fetch ? "read" : request.Action.Name, package, token);
        }

        return request.Rule == RequestClassification.DefaultReadRule
            ? WriteVerdict.Refuse(403, $"This token is limited to {WriteRules.LimitsOf(token)}, and this request names no package the 2FA gateway knows of.")
            : null;
    }

    /// <summary>
    /// An organisation's members, teams or packages: a token limited to organisations reads only theirs, and not with
    /// <c>no-access</c>; a token limited to packages alone reads none (npmjs: a granular token without an organisation
    /// permission has none).
    /// </summary>
    private static WriteVerdict? OrganisationRefusal(RequestClassification request, string organisation, TokenAttributes token)
    {
        if (token.IsLimitedToOrgs)
        {
            return token.OrgsPermission is OrgsPermission.Unset or OrgsPermission.NoAccess
                ? WriteVerdict.Refuse(403, $"This token has no organisation access (its --orgs-permission is {token.OrgsPermission.ToWire()}): it cannot {request.Action} in {organisation}.")
                : WriteRules.OtherOrganisationRefusal(request.Action.Name, organisation, token);
        }

        return token.IsLimitedToPackages
            ? WriteVerdict.Refuse(403, $"This token is limited to {WriteRules.LimitsOf(token)} and has no organisation access (--orgs-permission): it cannot {request.Action} in {organisation}.")
            : null;
    }
}
