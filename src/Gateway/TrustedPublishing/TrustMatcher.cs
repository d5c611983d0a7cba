using System.Text.Json;

namespace Gateway.TrustedPublishing;

/// <summary>
/// npm's claim matching (docs/PROTOCOL.md, "Trusted publishing"), on a validated id token's payload: every claim of the
/// configuration must match, exactly and case-sensitively; GitHub's <c>workflow_ref</c> by workflow file
/// (<c>&lt;repository&gt;/.github/workflows/&lt;file&gt;@&lt;ref&gt;</c>: the calling workflow, in the configured repository);
/// GitLab's <c>ci_config_ref_uri</c> by CI file (<c>&lt;host&gt;/&lt;project_path&gt;//&lt;file&gt;@&lt;ref&gt;</c>); CircleCI's
/// context ids all present. A claim the configuration does not name (<c>environment</c>, <c>ref</c>) is not checked.
/// </summary>
public static class TrustMatcher
{
    /// <returns>Null when the token matches; otherwise the first claim that does not (for the audit log).</returns>
    public static string? Mismatch(TrustConfiguration configuration, TrustProvider issuerType, string issuer, JsonElement payload)
    {
        if (configuration.Type != issuerType)
        {
            return $"type {configuration.Type.ToWire()} (the token's issuer is {issuerType.ToWire()})";
        }

        if (configuration.Issuer is { } pinned && !string.Equals(pinned, issuer, StringComparison.Ordinal))
        {
            return "issuer";
        }

        foreach (var (name, rule) in configuration.Claims)
        {
            if (!Matches(configuration, name, rule, payload))
            {
                return name;
            }
        }

        return null;
    }

    private static bool Matches(TrustConfiguration configuration, string name, ClaimRule rule, JsonElement payload)
    {
        if (rule.AllOf is { } all)
        {
            return payload.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
                && all.All(v => array.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == v));
        }

        if (String(payload, name) is not { } value)
        {
            return false;
        }

        if (rule.Exact is { } exact)
        {
            return string.Equals(value, exact, StringComparison.Ordinal);
        }

        // workflow_ref / ci_config_ref_uri: "<path>@<ref>"; the path names the repository (project) and the file.
        var at = value.IndexOf('@', StringComparison.Ordinal);
        var path = at < 0 ? value : value[..at];
        return configuration.Type switch
        {
            TrustProvider.Github => configuration.Claims.TryGetValue("repository", out var repository) && repository.Exact is { } repo
                && path == repo + "/.github/workflows/" + rule.File,
            TrustProvider.Gitlab => configuration.Claims.TryGetValue("project_path", out var project) && project.Exact is { } projectPath
                && path.EndsWith("/" + projectPath + "//" + rule.File, StringComparison.Ordinal)
                && !path[..^(projectPath.Length + rule.File!.Length + 3)].Contains('/'),
            _ => false,
        };
    }

    internal static string? String(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
