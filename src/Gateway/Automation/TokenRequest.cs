using System.Net;
using System.Text.Json;

namespace Gateway.Automation;

/// <summary>
/// Reads the granular fields of <c>POST /-/npm/v1/tokens</c> (npm 11's <c>npm token create</c>; npm ≤ 10 sends only
/// <c>readonly</c> and <c>cidr_whitelist</c>) into the attributes the gateway will enforce, or says why it refuses
/// them before the registry mints anything (docs/PROTOCOL.md, "Tokens").
/// </summary>
public static class TokenRequest
{
    public sealed record Result(TokenAttributes? Attributes, int Status = 200, string? Problem = null);

    public static Result Parse(JsonElement body, string user, TokenOptions options, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Refuse(400, "npm token create sends a JSON object.");
        }

        var problems = new List<string>();
        var name = OptionalString(body, "name", problems);
        if (name == TokenAttributes.LoginName)
        {
            problems.Add($"the name '{TokenAttributes.LoginName}' is kept for the tokens npm login gets");
        }

        var packagesAll = Flag(body, "packages_all", problems);
        var packages = packagesAll ? [] : Strings(body, "packages", problems);
        var scopes = packagesAll ? [] : Strings(body, "scopes", problems).Select(s => s.StartsWith('@') ? s : "@" + s).ToList();
        var cidrs = Strings(body, "cidr_whitelist", problems);
        foreach (var cidr in cidrs.Where(c => !IPNetwork.TryParse(c, out _)))
        {
            problems.Add($"'{cidr}' is not a network in CIDR notation (such as 192.0.2.0/24)");
        }

        var orgs = Strings(body, "orgs", problems).Select(o => o.TrimStart('@')).ToList();
        var orgsPermission = OptionalString(body, "orgs_permission", problems) switch
        {
            null => OrgsPermission.Unset,
            "read-write" => OrgsPermission.ReadWrite,
            "read-only" => OrgsPermission.ReadOnly,
            "no-access" => OrgsPermission.NoAccess,
            var other => Invalid(problems, $"orgs_permission must be read-only, read-write or no-access, not '{other}'", OrgsPermission.Unset),
        };

        // An unknown permission is refused, not read as read-write: a token never gets more than its creator asked for.
        var permission = OptionalString(body, "packages_and_scopes_permission", problems) switch
        {
            null or "read-write" => TokenPermission.ReadWrite,
            "read-only" or "no-access" => TokenPermission.ReadOnly,
            "read-write-stage-only" => TokenPermission.StageOnly,
            var other => Invalid(problems, $"packages_and_scopes_permission must be read-only, read-write, read-write-stage-only or no-access, not '{other}'", TokenPermission.ReadOnly),
        };
        var readOnly = Flag(body, "readonly", problems) || permission == TokenPermission.ReadOnly;
        var bypass = Flag(body, "bypass_2fa", problems);
        var expiresInDays = OptionalDays(body, problems);
        if (problems.Count > 0)
        {
            return Refuse(400, "The token was not created: " + string.Join("; ", problems) + ".");
        }

        if (bypass && !options.AllowBypass)
        {
            return Refuse(403, "This registry does not allow tokens that bypass two-factor authentication; create the token without --bypass-2fa.");
        }

        var lifetime = expiresInDays is { } days ? TimeSpan.FromDays(days) : readOnly ? (TimeSpan?)null : options.DefaultWriteLifetime;
        if (!readOnly && lifetime > options.MaxWriteLifetime)
        {
            return Refuse(400, $"A token that can publish may live at most {options.MaxWriteLifetime.TotalDays:0.##} days on this registry; pass a shorter --expires.");
        }

        return new Result(new TokenAttributes(user, RegistryKey: null, name, now, now + lifetime, packages, scopes,
            readOnly ? TokenPermission.ReadOnly : permission, cidrs, bypass, orgs, orgsPermission));
    }

    private static Result Refuse(int status, string problem) => new(null, status, problem);

    private static bool Flag(JsonElement body, string key, List<string> problems) =>
        body.TryGetProperty(key, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => Invalid(problems, $"{key} must be true or false"),
        };

    private static string? OptionalString(JsonElement body, string key, List<string> problems)
    {
        if (!body.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        problems.Add($"{key} must be a string");
        return null;
    }

    private static List<string> Strings(JsonElement body, string key, List<string> problems)
    {
        if (!body.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || v.GetString()!.Trim().Length == 0))
        {
            problems.Add($"{key} must be a list of names");
            return [];
        }

        return [.. value.EnumerateArray().Select(v => v.GetString()!.Trim()).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>npm sends <c>expires</c> as whole days (<c>parseInt</c> of <c>--expires</c>).</summary>
    private static int? OptionalDays(JsonElement body, List<string> problems)
    {
        if (!body.TryGetProperty("expires", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var days) && days is >= 1 and <= 3650)
        {
            return days;
        }

        problems.Add("expires must be a number of days from 1 to 3650");
        return null;
    }

    private static bool Invalid(List<string> problems, string problem) => Invalid(problems, problem, false);

    private static T Invalid<T>(List<string> problems, string problem, T value)
    {
        problems.Add(problem);
        return value;
    }
}
