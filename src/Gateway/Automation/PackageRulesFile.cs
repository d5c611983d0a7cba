using System.Text.Json;
using Gateway.Accounts;
using Gateway.Policy;

namespace Gateway.Automation;

/// <summary>
/// <c>config/package-rules.json</c>: default publishing rules by package name or pattern (what applies until a
/// maintainer sets one with <c>npm access set mfa=…</c>), and scopes whose publishers must have 2FA
/// (README.md, "CI and automation"). Invalid files are refused whole, with every problem and where.
/// </summary>
public sealed record PackageRulesFile(IReadOnlyList<PackageRulesFile.PackageDefault> Packages, IReadOnlyList<PackageRulesFile.ScopeRequirement> Scopes)
{
    public static readonly PackageRulesFile Empty = new([], []);

    private const string What = "Package rules";

    /// <param name="Match">An exact name, <c>@scope/*</c>, or a prefix ending in <c>*</c>.</param>
    /// <param name="Mfa">The publishing rule (<c>"mfa"</c>), if the entry sets one.</param>
    /// <param name="Staging">Whether publishes must be staged (<c>"staging"</c>), if the entry says.</param>
    public sealed record PackageDefault(string Match, PackageMfa? Mfa, StagedPublishing? Staging = null)
    {
        public bool Matches(string package) =>
            Match.EndsWith('*') ? package.StartsWith(Match[..^1], StringComparison.Ordinal) : package == Match;
    }

    /// <param name="Members">Users who may not disable 2FA or drop below <paramref name="Require"/> while listed.</param>
    /// <param name="ReportOnly">Writes into the scope that lack a second factor are forwarded and recorded, not refused (a rollout).</param>
    public sealed record ScopeRequirement(string Scope, TwoFactorMode Require, IReadOnlyList<string> Members, bool ReportOnly = false);

    /// <summary>The default rule of the first pattern that matches and sets one, else none.</summary>
    public PackageMfa DefaultFor(string package) => Packages.FirstOrDefault(p => p.Mfa is not null && p.Matches(package))?.Mfa ?? PackageMfa.None;

    /// <summary>
    /// Whether the package's publishes must be staged: the first pattern that matches and says, else not. For a publish
    /// that names no package (pnpm's batch, which may contain any), the strictest rule of any pattern.
    /// </summary>
    public StagedPublishing StagingFor(string? package) => package is null
        ? Packages.Select(p => p.Staging ?? StagedPublishing.None).DefaultIfEmpty().Max()
        : Packages.FirstOrDefault(p => p.Staging is not null && p.Matches(package))?.Staging ?? StagedPublishing.None;

    /// <summary>The scope of a scoped package name (<c>@acme</c> of <c>@acme/lib</c>), else null.</summary>
    public static string? ScopeName(string? package) =>
        package is not null && package.StartsWith('@') && package.IndexOf('/') is > 1 and var slash ? package[..slash] : null;

    /// <summary>The requirement of the package's scope, if its scope has one.</summary>
    public ScopeRequirement? ScopeOf(string? package) =>
        ScopeName(package) is { } scope ? Scopes.FirstOrDefault(s => s.Scope == scope) : null;

    /// <summary>
    /// The strictest mode any scope the user belongs to requires (Disabled: none): scopes that list the user as a
    /// member, and <paramref name="maintainedScopes"/> (scopes the user maintains a package in).
    /// </summary>
    public (TwoFactorMode Mode, string? Scope) MemberRequirement(string user, IReadOnlyCollection<string>? maintainedScopes = null) =>
        Scopes.Where(s => s.Members.Contains(user, StringComparer.Ordinal) || (maintainedScopes?.Contains(s.Scope) ?? false))
            .OrderByDescending(s => s.Require)
            .Select(s => (s.Require, (string?)s.Scope)).FirstOrDefault((TwoFactorMode.Disabled, null));

    /// <exception cref="PolicyFileException">The file is not valid; every problem is listed.</exception>
    public static PackageRulesFile Load(string file)
    {
        if (!File.Exists(file))
        {
            return Empty;
        }

        var errors = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PolicyFileException(file, [$"{file}: not JSON ({e.Message})"], What);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyFileException(file, [$"{file}: the top level must be an object with \"packages\" and \"scopes\""], What);
            }

            foreach (var key in root.EnumerateObject().Select(p => p.Name).Where(k => k is not ("$comment" or "packages" or "scopes")))
            {
                errors.Add($"{file}: unknown key \"{key}\" (expected \"packages\", \"scopes\")");
            }

            var packages = Items(root, "packages", file, errors).Select((e, i) => ReadPackage(e, $"{file}: packages[{i}]", errors)).OfType<PackageDefault>().ToList();
            var scopes = Items(root, "scopes", file, errors).Select((e, i) => ReadScope(e, $"{file}: scopes[{i}]", errors)).OfType<ScopeRequirement>().ToList();
            foreach (var duplicate in scopes.GroupBy(s => s.Scope).Where(g => g.Count() > 1))
            {
                errors.Add($"{file}: scope {duplicate.Key} is listed {duplicate.Count()} times");
            }

            return errors.Count == 0 ? new PackageRulesFile(packages, scopes) : throw new PolicyFileException(file, errors, What);
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement root, string key, string file, List<string> errors)
    {
        if (!root.TryGetProperty(key, out var list))
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{file}: \"{key}\" must be a list");
            return [];
        }

        return list.EnumerateArray().ToList();
    }

    private static PackageDefault? ReadPackage(JsonElement item, string where, List<string> errors)
    {
        var match = Text(item, "match", where, errors);
        if (item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var key in item.EnumerateObject().Select(p => p.Name).Where(k => k is not ("match" or "mfa" or "staging")))
        {
            errors.Add($"{where}: unknown key \"{key}\" (expected \"match\", \"mfa\", \"staging\")");
        }

        var mfa = OptionalText(item, "mfa", where, errors);
        var staging = OptionalText(item, "staging", where, errors);
        if (match is not null && (match.Length == 0 || match.IndexOf('*') is var star && star >= 0 && star != match.Length - 1))
        {
            errors.Add($"{where}: \"match\" is a package name, or a prefix ending in a single trailing *");
        }

        if (!item.TryGetProperty("mfa", out _) && !item.TryGetProperty("staging", out _))
        {
            errors.Add($"{where}: needs \"mfa\", \"staging\" or both");
        }

        PackageMfa? rule = null;
        if (mfa is not null)
        {
            if (PackageMfaWire.TryParse(mfa, out var parsed))
            {
                rule = parsed;
            }
            else
            {
                errors.Add($"{where}: \"mfa\" must be none, automation or publish, not '{mfa}'");
            }
        }

        StagedPublishing? stage = null;
        if (staging is not null)
        {
            if (StagedPublishingWire.TryParse(staging, out var parsed))
            {
                stage = parsed;
            }
            else
            {
                errors.Add($"{where}: \"staging\" must be none, required-for-tokens or required, not '{staging}'");
            }
        }

        return match is not null ? new PackageDefault(match, rule, stage) : null;
    }

    /// <summary>A key that may be absent; present, it must be a string.</summary>
    private static string? OptionalText(JsonElement item, string key, string where, List<string> errors)
    {
        if (!item.TryGetProperty(key, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        errors.Add($"{where}: \"{key}\" must be a string");
        return null;
    }

    private static ScopeRequirement? ReadScope(JsonElement item, string where, List<string> errors)
    {
        var scope = Text(item, "scope", where, errors);
        var require = Text(item, "require", where, errors);
        var reportOnly = false;
        if (item.TryGetProperty("enforcement", out var enforcement))
        {
            reportOnly = enforcement.ValueKind == JsonValueKind.String && enforcement.GetString() == "report-only";
            if (!reportOnly && !(enforcement.ValueKind == JsonValueKind.String && enforcement.GetString() == "enforce"))
            {
                errors.Add($"{where}: \"enforcement\" must be enforce or report-only");
            }
        }
        if (scope is not null && (!scope.StartsWith('@') || scope.Length < 2 || scope.Contains('/')))
        {
            errors.Add($"{where}: \"scope\" is written @name, not '{scope}'");
        }

        var mode = TwoFactorMode.Disabled;
        if (require is not null && (!TwoFactorModes.TryParse(require, out mode) || mode == TwoFactorMode.Disabled))
        {
            errors.Add($"{where}: \"require\" must be auth-only or auth-and-writes, not '{require}'");
        }

        var members = new List<string>();
        if (item.TryGetProperty("members", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String || !Usernames.IsWellFormed(m.GetString())))
            {
                errors.Add($"{where}: \"members\" must be a list of usernames");
            }
            else
            {
                members.AddRange(list.EnumerateArray().Select(m => m.GetString()!));
            }
        }

        return scope is not null && mode != TwoFactorMode.Disabled ? new ScopeRequirement(scope, mode, members, reportOnly) : null;
    }

    private static string? Text(JsonElement item, string key, string where, List<string> errors)
    {
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        errors.Add($"{where}: \"{key}\" is required (a string)");
        return null;
    }
}
