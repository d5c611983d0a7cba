using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.TrustedPublishing;

/// <summary>
/// A claim of a trust configuration: an exact, case-sensitive value; <c>{"file": …}</c> — the workflow (GitHub
/// <c>workflow_ref</c>) or CI file (GitLab <c>ci_config_ref_uri</c>) the claim names; or a list every value of which the
/// token's array claim must hold (CircleCI context ids).
/// </summary>
public sealed record ClaimRule(string? Exact = null, string? File = null, IReadOnlyList<string>? AllOf = null);

/// <summary>
/// One package's trusted publisher, in npm's shape (<c>/-/package/&lt;pkg&gt;/trust</c>, docs/PROTOCOL.md):
/// <c>{"id", "type", "claims", "permissions"}</c>. The gateway also takes an optional <c>"issuer"</c> pinning the
/// configuration to one configured issuer of its type (several GitHub servers may be configured).
/// </summary>
public sealed record TrustConfiguration(string Id, TrustProvider Type, IReadOnlyDictionary<string, ClaimRule> Claims, IReadOnlyList<string> Permissions, string? Issuer = null)
{
    public const string CreatePackage = "createPackage";
    public const string CreateStagedPackage = "createStagedPackage";

    private static readonly Dictionary<TrustProvider, string[]> Required = new()
    {
        [TrustProvider.Github] = ["repository", "workflow_ref"],
        [TrustProvider.Gitlab] = ["project_path", "ci_config_ref_uri"],
        [TrustProvider.Circleci] = ["oidc.circleci.com/org-id", "oidc.circleci.com/project-id", "oidc.circleci.com/pipeline-definition-id", "oidc.circleci.com/vcs-origin"],
    };

    /// <summary>Claims matched by file rather than exactly, per type.</summary>
    private static readonly Dictionary<TrustProvider, string> FileClaim = new()
    {
        [TrustProvider.Github] = "workflow_ref",
        [TrustProvider.Gitlab] = "ci_config_ref_uri",
    };

    private const string ContextIds = "oidc.circleci.com/context-ids";

    public bool Allows(string permission) => Permissions.Contains(permission, StringComparer.Ordinal);

    /// <summary>Reads one configuration of a POST body; <paramref name="problem"/> says what is wrong (400).</summary>
    public static TrustConfiguration? Parse(JsonElement json, string id, out string? problem)
    {
        problem = null;
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("type", out var typeJson) || typeJson.ValueKind != JsonValueKind.String
            || !TrustProviderWire.TryParse(typeJson.GetString(), out var type))
        {
            problem = "a trust configuration needs \"type\": \"github\", \"gitlab\" or \"circleci\"";
            return null;
        }

        if (!json.TryGetProperty("claims", out var claimsJson) || claimsJson.ValueKind != JsonValueKind.Object)
        {
            problem = "a trust configuration needs \"claims\"";
            return null;
        }

        var claims = new Dictionary<string, ClaimRule>(StringComparer.Ordinal);
        foreach (var claim in claimsJson.EnumerateObject())
        {
            if (ReadRule(type, claim) is not { } rule)
            {
                problem = $"claim \"{claim.Name}\" must be a non-empty string" + (FileClaim.TryGetValue(type, out var f) && f == claim.Name ? " or {\"file\": \"<name>\"}" : "");
                return null;
            }

            claims[claim.Name] = rule;
        }

        if (Required[type].FirstOrDefault(c => !claims.ContainsKey(c)) is { } missing)
        {
            problem = $"a {type.ToWire()} trust configuration needs the claim \"{missing}\"";
            return null;
        }

        var permissions = json.TryGetProperty("permissions", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).ToList()
            : [];
        if (permissions.Count == 0 || permissions.Any(x => x is not (CreatePackage or CreateStagedPackage)))
        {
            problem = $"\"permissions\" must list \"{CreatePackage}\" and/or \"{CreateStagedPackage}\"";
            return null;
        }

        string? issuer = null;
        if (json.TryGetProperty("issuer", out var issuerJson))
        {
            issuer = issuerJson.ValueKind == JsonValueKind.String ? issuerJson.GetString() : null;
            if (string.IsNullOrEmpty(issuer))
            {
                problem = "\"issuer\" must be a configured issuer's URL";
                return null;
            }
        }

        return new TrustConfiguration(id, type, claims, permissions.Distinct().ToList()!, issuer);
    }

    private static ClaimRule? ReadRule(TrustProvider type, JsonProperty claim)
    {
        var value = claim.Value;
        if (value.ValueKind == JsonValueKind.String)
        {
            return string.IsNullOrEmpty(value.GetString()) ? null : new ClaimRule(Exact: value.GetString());
        }

        if (FileClaim.TryGetValue(type, out var fileClaim) && fileClaim == claim.Name && value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.String && IsFileName(file.GetString()))
        {
            return new ClaimRule(File: file.GetString());
        }

        if (type == TrustProvider.Circleci && claim.Name == ContextIds && value.ValueKind == JsonValueKind.Array
            && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && e.GetString()!.Length > 0))
        {
            return new ClaimRule(AllOf: [.. value.EnumerateArray().Select(e => e.GetString()!)]);
        }

        return null;
    }

    /// <summary>GitHub: a file of <c>.github/workflows/</c>; GitLab: a path in the repository. Never empty, absolute or with <c>@</c>.</summary>
    private static bool IsFileName(string? file) => !string.IsNullOrEmpty(file) && !file.StartsWith('/') && !file.Contains('@') && !file.Contains("//", StringComparison.Ordinal);

    public JsonObject ToJson()
    {
        var claims = new JsonObject();
        foreach (var (name, rule) in Claims)
        {
            claims[name] = rule switch
            {
                { File: { } file } => new JsonObject { ["file"] = file },
                { AllOf: { } all } => new JsonArray([.. all.Select(v => (JsonNode)JsonValue.Create(v))]),
                _ => JsonValue.Create(rule.Exact),
            };
        }

        var json = new JsonObject
        {
            ["id"] = Id,
            ["type"] = Type.ToWire(),
            ["claims"] = claims,
            ["permissions"] = new JsonArray([.. Permissions.Select(v => (JsonNode)JsonValue.Create(v))]),
        };
        if (Issuer is not null)
        {
            json["issuer"] = Issuer;
        }

        return json;
    }

    /// <summary>The stored form: the same JSON npm reads back.</summary>
    public static TrustConfiguration? FromStored(string stored)
    {
        try
        {
            using var document = JsonDocument.Parse(stored);
            var id = document.RootElement.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            return id is null ? null : Parse(document.RootElement, id, out _);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
