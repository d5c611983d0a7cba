using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Policy;

/// <summary>Reads one rule of the policy file, adding an error per problem found.</summary>
internal static partial class RouteRuleParser
{
    /// <param name="source">Where the rule is written (<c>file:line</c>).</param>
    /// <param name="where">How errors name the rule: its source and position.</param>
    public static RouteRule? Read(int index, JsonElement element, string source, string where, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where}: a rule must be a JSON object");
            return null;
        }

        var actionName = ReadString(element, "action");
        if (actionName is not null)
        {
            where += $" '{actionName}'";
        }

        var before = errors.Count;
        RoutePolicyParser.RejectUnknownKeys(element, RoutePolicyParser.RuleKeyNames, where + ":", errors);
        if (!NpmAction.TryFind(actionName, out var action))
        {
            errors.Add($"{where}: \"action\" must be one of the gateway's npm actions ({string.Join(", ", NpmAction.All)}), not "
                + (actionName is null ? "missing" : $"\"{actionName}\""));
        }

        var methods = ReadMethods(element, where, errors);
        var path = ReadPath(element, where, errors);
        var body = ReadBody(element, where, errors);
        var protection = ReadClass(element, where, errors);
        if (body is not null && methods.Any(RoutePolicy.IsReadMethod))
        {
            errors.Add($"{where}: a \"body\" condition needs a method that carries a body, not {string.Join('|', methods)}");
        }

        var account = ReadAccount(element, where, errors);
        if (account is not null && methods.Any(RoutePolicy.IsReadMethod))
        {
            errors.Add($"{where}: \"account\" reads the body, so the rule needs methods that carry one, not {string.Join('|', methods)}");
        }

        if (account is not null && protection != ProtectionClass.Auth)
        {
            errors.Add($"{where}: a rule with \"account\" mints a credential and must be class \"auth\"");
        }

        var followUp = ReadFlag(element, "followUp", where, errors);
        var sideDoor = ReadFlag(element, "sideDoor", where, errors);
        var governance = ReadFlag(element, "governance", where, errors);
        if (errors.Count == before && protection < action.MinimumClass)
        {
            errors.Add($"{where}: \"class\" may not be lower than '{action.MinimumClass.ToString().ToLowerInvariant()}' for {action}");
        }

        if (errors.Count == before && action.MinimumGovernance && !governance && protection != ProtectionClass.Auth)
        {
            errors.Add($"{where}: {action} changes who may do what: the rule must say \"governance\": true");
        }

        return errors.Count == before && path is not null
            ? new RouteRule(index, action, methods, path, body, protection, followUp, account, sideDoor, governance, source)
            : null;
    }

    private static IReadOnlyList<string> ReadMethods(JsonElement rule, string where, List<string> errors)
    {
        if (!rule.TryGetProperty("methods", out var element) || element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            errors.Add($"{where}: \"methods\" must be a non-empty array such as [\"PUT\"]");
            return [];
        }

        var methods = new List<string>();
        foreach (var method in element.EnumerateArray())
        {
            var text = method.ValueKind == JsonValueKind.String ? method.GetString() : null;
            if (text is null || (text != RouteRule.AnyWriteMethod && !MethodName().IsMatch(text)))
            {
                errors.Add($"{where}: method {method.GetRawText()} is not an upper-case HTTP method or \"*\" (any method but GET, HEAD and OPTIONS)");
                continue;
            }

            methods.Add(text);
        }

        return methods;
    }

    private static PathTemplate? ReadPath(JsonElement rule, string where, List<string> errors)
    {
        var text = ReadString(rule, "path");
        if (text is null)
        {
            errors.Add($"{where}: \"path\" is required, e.g. \"/-/package/{{package}}/dist-tags/{{tag}}\"");
            return null;
        }

        var template = PathTemplate.TryParse(text, out var error);
        if (template is null)
        {
            errors.Add($"{where}: path \"{text}\" {error}");
        }

        return template;
    }

    private static ProtectionClass ReadClass(JsonElement rule, string where, List<string> errors)
    {
        switch (ReadString(rule, "class"))
        {
            case "auth": return ProtectionClass.Auth;
            case "writes": return ProtectionClass.Writes;
            case "none": return ProtectionClass.None;
            case var other:
                errors.Add($"{where}: \"class\" must be \"auth\", \"writes\" or \"none\", not {(other is null ? "missing" : $"\"{other}\"")}");
                return ProtectionClass.Writes;
        }
    }

    private static BodyCondition? ReadBody(JsonElement rule, string where, List<string> errors)
    {
        if (!rule.TryGetProperty("body", out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where}: \"body\" must be an object with onlyKeys, requiredKeys, emptyOrAbsent and/or objectKeys");
            return null;
        }

        RoutePolicyParser.RejectUnknownKeys(element, RoutePolicyParser.BodyKeyNames, where + ": body:", errors);
        var condition = new BodyCondition(
            ReadKeyList(element, "onlyKeys", where, errors),
            ReadKeyList(element, "requiredKeys", where, errors),
            ReadKeyList(element, "emptyOrAbsent", where, errors),
            ReadKeyList(element, "objectKeys", where, errors));
        if (condition.OnlyKeys.Count + condition.RequiredKeys.Count + condition.EmptyOrAbsent.Count + condition.ObjectKeys.Count == 0)
        {
            errors.Add($"{where}: \"body\" has no condition");
        }

        return condition;
    }

    private static IReadOnlyList<string> ReadKeyList(JsonElement body, string key, string where, List<string> errors)
    {
        if (!body.TryGetProperty(key, out var element))
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            errors.Add($"{where}: body.{key} must be an array of strings");
            return [];
        }

        return element.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary><c>"account": "name"</c>: the body key that names the account a login acts on.</summary>
    private static string? ReadAccount(JsonElement rule, string where, List<string> errors)
    {
        if (!rule.TryGetProperty("account", out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: > 0 } key)
        {
            errors.Add($"{where}: \"account\" must name the body key that holds the account, e.g. \"name\"");
            return null;
        }

        return key;
    }

    private static bool ReadFlag(JsonElement rule, string key, string where, List<string> errors)
    {
        if (!rule.TryGetProperty(key, out var element))
        {
            return false;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add($"{where}: \"{key}\" must be true or false");
            return false;
        }

        return element.GetBoolean();
    }

    private static string? ReadString(JsonElement element, string key) =>
        element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("^[A-Z]+$")]
    private static partial Regex MethodName();
}
