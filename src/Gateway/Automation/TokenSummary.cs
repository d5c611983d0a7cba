using System.Globalization;

namespace Gateway.Automation;

/// <summary>A created token's limits in one audit outcome, e.g. <c>read-write;expires=2026-03-01T00:00:00Z;packages=@acme;cidrs=any;bypass-2fa=false</c>.</summary>
public static class TokenSummary
{
    public static string Of(TokenAttributes token)
    {
        var packages = token.IsLimitedToPackages ? string.Join(',', token.Packages.Concat(token.Scopes)) : "any";
        var cidrs = token.Cidrs.Count > 0 ? string.Join(',', token.Cidrs) : "any";
        var expires = token.Expires is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never";
        var orgs = token.IsLimitedToOrgs ? $";orgs={(token.Orgs is { Count: > 0 } names ? string.Join(',', names) : "any")}:{token.OrgsPermission.ToWire()}" : "";
        return $"{token.Permission.ToWire()};expires={expires};packages={packages};cidrs={cidrs};bypass-2fa={(token.BypassTwoFactor ? "true" : "false")}{orgs}";
    }
}
