using System.Text.Json;

namespace Gateway.Policy;

/// <summary>
/// Reads and validates a route-policy JSON document, collecting every error (file, rule, reason) before
/// refusing it, so an operator fixes the file in one pass.
/// </summary>
public static class RoutePolicyParser
{
    public const int DefaultMaxBodyBytes = 64 * 1024;
    private const int MaxBodyBytesLimit = 1024 * 1024;

    private static readonly string[] TopLevelKeys = ["maxBodyBytes", "include", "rules", "$comment"];
    private static readonly string[] IncludedKeys = ["rules", "$comment"];
    private static readonly string[] RuleKeys = ["action", "methods", "path", "body", "class", "account", "followUp", "sideDoor", "governance", "why"];
    private static readonly string[] BodyKeys = ["onlyKeys", "requiredKeys", "emptyOrAbsent", "objectKeys"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static RoutePolicy Load(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyFileException(file, [$"{file}: cannot be read: {e.Message}"]);
        }

        return Parse(file, text);
    }

    /// <param name="requireBuiltInActions">
    /// False only for a fragment of rules (unit tests of matching): a policy the gateway loads must have a rule for every
    /// protected npm action (<see cref="NpmAction.MustBeMatched"/>).
    /// </param>
    public static RoutePolicy Parse(string file, string json, bool requireBuiltInActions = true)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new PolicyFileException(file, [$"{file}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}"]);
        }

        using (document)
        {
            var errors = new List<string>();
            var policy = Read(file, document.RootElement, RuleLines.Of(json), errors);
            if (policy is not null && requireBuiltInActions)
            {
                ReportUnmatchedActions(file, policy.Rules, errors);
            }

            if (errors.Count > 0 || policy is null)
            {
                throw new PolicyFileException(file, errors);
            }

            return policy;
        }
    }

    private static RoutePolicy? Read(string file, JsonElement root, IReadOnlyList<int> lines, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{file}: the document must be a JSON object with a \"rules\" array");
            return null;
        }

        RejectUnknownKeys(root, TopLevelKeys, $"{file}:", errors);
        var maxBodyBytes = ReadMaxBodyBytes(file, root, errors);
        if (!root.TryGetProperty("rules", out var rulesElement) || rulesElement.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{file}: \"rules\" must be an array of rules");
            return null;
        }

        // Included files (a registry's side doors) come first: their paths are more specific than npm's.
        var rules = new List<RouteRule>();
        var index = 0;
        foreach (var included in ReadIncludes(file, root, errors))
        {
            ReadRules(included.File, included.Rules, included.Lines, rules, ref index, errors);
        }

        var ownRules = ReadRules(file, rulesElement, lines, rules, ref index, errors);
        if (ownRules == 0)
        {
            errors.Add($"{file}: \"rules\" is empty; the policy must name the npm actions it protects");
        }

        ReportShadowedRules(file, rules, errors);
        ReportBodyRulesThatRaiseNothing(file, rules, errors);
        return new RoutePolicy(file, rules, maxBodyBytes);
    }

    private static int ReadRules(string file, JsonElement rulesElement, IReadOnlyList<int> lines, List<RouteRule> rules, ref int index, List<string> errors)
    {
        var count = 0;
        foreach (var element in rulesElement.EnumerateArray())
        {
            var source = count < lines.Count ? $"{file}:{lines[count]}" : file;
            var rule = RouteRuleParser.Read(index, element, source, $"{source}: rules[{count}]", errors);
            if (rule is not null)
            {
                rules.Add(rule);
            }

            index++;
            count++;
        }

        return count;
    }

    /// <summary><c>"include": ["side-doors/nexus.json"]</c>: files of rules, relative to the policy file.</summary>
    private static List<(string File, JsonElement Rules, IReadOnlyList<int> Lines)> ReadIncludes(string file, JsonElement root, List<string> errors)
    {
        var includes = new List<(string, JsonElement, IReadOnlyList<int>)>();
        if (!root.TryGetProperty("include", out var element))
        {
            return includes;
        }

        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            errors.Add($"{file}: \"include\" must be an array of file names relative to the policy file");
            return includes;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        foreach (var name in element.EnumerateArray().Select(e => e.GetString()!))
        {
            var path = Path.GetFullPath(Path.Combine(folder, name));
            try
            {
                // The included document is parsed once and kept: its elements are read after this returns.
                var text = File.ReadAllText(path);
                using var document = JsonDocument.Parse(text, DocumentOptions);
                var included = document.RootElement.Clone();
                if (included.ValueKind != JsonValueKind.Object || !included.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}: an included file must be a JSON object with a \"rules\" array");
                    continue;
                }

                RejectUnknownKeys(included, IncludedKeys, $"{path}:", errors);
                includes.Add((path, rules, RuleLines.Of(text)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{file}: include \"{name}\" cannot be read: {e.Message}");
            }
            catch (JsonException e)
            {
                errors.Add($"{path}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}");
            }
        }

        return includes;
    }

    /// <summary>
    /// A body the gateway cannot read skips every body rule and falls to the next rule of its path, so a
    /// body rule may only ever lower a class: the rule it falls to must be at least as strict. Otherwise a
    /// request could dodge the stricter class just by sending a body the gateway cannot read.
    /// </summary>
    private static void ReportBodyRulesThatRaiseNothing(string file, List<RouteRule> rules, List<string> errors)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var bodyRule = rules[i];
            if (bodyRule.Body is null)
            {
                continue;
            }

            var fallback = rules.Skip(i + 1).FirstOrDefault(r =>
                r.Body is null && r.Path.Text == bodyRule.Path.Text && bodyRule.Methods.All(m => r.Methods.Contains(m)));
            if (fallback is null || fallback.Class < bodyRule.Class || (bodyRule.IsGovernance && !fallback.IsGovernance))
            {
                errors.Add($"{bodyRule.Source}: rules[{bodyRule.Index}] '{bodyRule.Action}': a body condition may only lower the class: "
                    + $"add after it a rule for the same methods and path, without a body condition, of class '{bodyRule.Class.ToString().ToLowerInvariant()}' or stricter"
                    + (bodyRule.IsGovernance ? ", and governance" : ""));
            }
        }
    }

    private static int ReadMaxBodyBytes(string file, JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("maxBodyBytes", out var element))
        {
            return DefaultMaxBodyBytes;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) && value is > 0 and <= MaxBodyBytesLimit)
        {
            return value;
        }

        errors.Add($"{file}: \"maxBodyBytes\" must be a whole number from 1 to {MaxBodyBytesLimit}, not {element.GetRawText()}");
        return DefaultMaxBodyBytes;
    }

    /// <summary>A rule that an earlier body-less rule with the same method and path always pre-empts is a mistake.</summary>
    private static void ReportShadowedRules(string file, List<RouteRule> rules, List<string> errors)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var earlier = rules[j];
                if (earlier.Body is null
                    && earlier.Path.Text == rules[i].Path.Text
                    && rules[i].Methods.All(m => earlier.Methods.Contains(m)))
                {
                    errors.Add($"{rules[i].Source}: rules[{rules[i].Index}] '{rules[i].Action}': can never match, rules[{earlier.Index}] '{earlier.Action}' ({earlier.Source}) has the same method and path and no body condition");
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Deleting the rules of a protected npm action would not open it (an unnamed write is class writes), but it would
    /// switch off what the gateway does for that action (password checks, token records) and lower an auth action:
    /// a policy must name every one (<see cref="NpmAction.MustBeMatched"/>).
    /// </summary>
    private static void ReportUnmatchedActions(string file, IReadOnlyList<RouteRule> rules, List<string> errors)
    {
        var named = rules.Select(r => r.Action).ToHashSet();
        foreach (var action in NpmAction.All.Where(a => a.MustBeMatched && !named.Contains(a)))
        {
            errors.Add($"{file}: no rule names the npm action '{action}'; the gateway needs one for it, of class "
                + $"'{action.MinimumClass.ToString().ToLowerInvariant()}' or stricter{(action.MinimumGovernance ? " and governance" : "")} (see config/route-policy.json as shipped)");
        }
    }

    internal static void RejectUnknownKeys(JsonElement element, string[] known, string where, List<string> errors)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add($"{where} unknown key \"{property.Name}\" (expected one of: {string.Join(", ", known)})");
            }
        }
    }

    internal static string[] RuleKeyNames => RuleKeys;

    internal static string[] BodyKeyNames => BodyKeys;
}
