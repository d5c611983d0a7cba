using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// Writes a JSON body the way a parser differential likes it: duplicate keys (a harmless first copy, the real
/// payload last, or the other way round), <c>\u</c>-escaped key names, deep nesting, padding past the
/// gateway's read limit, or most of the document hidden inside a string as UTF-7 (<c>+ACI-</c> is <c>"</c>).
/// </summary>
internal static class JsonShaper
{
    /// <summary>The body text and whether it hides keys that only a UTF-7 decoder sees.</summary>
    /// <param name="decoyUser">The harmless copy of a duplicated <c>name</c>/<c>username</c>: a user without 2FA whom a login path may also name.</param>
    public static (string Text, bool HiddenInUtf7) Shape(JsonNode? body, IReadOnlyList<string>? cover, string decoyUser, MutationDice dice, List<string> recipe)
    {
        var random = dice.Random;
        if (body is not JsonObject json)
        {
            return (body?.ToJsonString() ?? "", false);
        }

        var members = json.Select(m => (Key: Quote(m.Key), Value: m.Value?.ToJsonString() ?? "null")).ToList();
        if (cover is not null && dice.Roll(Mutation.JsonShape, 30))
        {
            recipe.Add("rest of the body hidden in UTF-7 inside a string");
            return (HideInUtf7(json, cover), true);
        }

        if (members.Count > 0 && dice.Roll(Mutation.JsonShape, 15))
        {
            var at = random.Next(members.Count);
            var key = json.ElementAt(at).Key;
            var harmless = (members[at].Key, key is "name" or "username" ? Quote(decoyUser) : Harmless(json[key]));
            var harmlessFirst = random.Next(2) == 0;
            members.Insert(harmlessFirst ? at : at + 1, harmless);
            recipe.Add($"duplicate key {members[at].Key} ({(harmlessFirst ? "harmless first" : "harmless last")})");
        }

        if (members.Count > 0 && dice.Roll(Mutation.JsonShape, 12))
        {
            var at = random.Next(members.Count);
            members[at] = (EscapeOneLetter(members[at].Key, random), members[at].Value);
            recipe.Add($"\\u-escaped key {members[at].Key}");
        }

        if (dice.Roll(Mutation.JsonShape, 5))
        {
            members.Insert(random.Next(members.Count + 1), ("\"_deep\"", new string('[', 300) + new string(']', 300)));
            recipe.Add("nested 300 deep");
        }

        if (dice.Roll(Mutation.JsonShape, 5))
        {
            members.Insert(random.Next(2) == 0 ? 0 : members.Count, ("\"_pad\"", Quote(new string('x', 70_000))));
            recipe.Add("padded past 64 KiB");
        }

        return ("{" + string.Join(',', members.Select(m => m.Key + ":" + m.Value)) + "}", false);
    }

    /// <summary>
    /// Valid UTF-8 JSON with only the <paramref name="cover"/> keys; the last cover string ends with
    /// <c>+ACI-,+ACI-key+ACI-:…</c>, which a UTF-7 decoder turns into the remaining members.
    /// </summary>
    private static string HideInUtf7(JsonObject json, IReadOnlyList<string> cover)
    {
        var visible = cover.Select(key => (key, value: json[key]?.DeepClone() ?? (key == "users" ? new JsonObject() : JsonValue.Create("")))).ToList();
        if (!visible.Any(v => v.value is JsonValue value && value.TryGetValue<string>(out _)))
        {
            visible.Add(("_note", JsonValue.Create("")));
        }

        var carrier = visible.FindLastIndex(v => v.value is JsonValue value && value.TryGetValue<string>(out _));
        // The default encoder writes '+' as \u002B, so the hidden text holds no '+' that UTF-7 would misread.
        var hidden = string.Join(',', json.Where(m => !cover.Contains(m.Key)).Select(m => Quote(m.Key) + ":" + (m.Value?.ToJsonString() ?? "null")));
        var members = visible.Select((v, at) =>
        {
            var value = v.value.ToJsonString();
            if (at == carrier && hidden.Length > 0)
            {
                value = value[..^1] + ("\"," + hidden + ",\"_fz\":\"").Replace("\"", "+ACI-", StringComparison.Ordinal) + "\"";
            }

            return Quote(v.key) + ":" + value;
        });
        return "{" + string.Join(',', members) + "}";
    }

    private static string Harmless(JsonNode? real) => real switch
    {
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue value when value.TryGetValue<string>(out _) => "\"\"",
        null => "null",
        _ => "0",
    };

    private static string EscapeOneLetter(string quotedKey, Random random)
    {
        var letters = Enumerable.Range(1, quotedKey.Length - 2).Where(i => char.IsAsciiLetter(quotedKey[i])).ToList();
        if (letters.Count == 0)
        {
            return quotedKey;
        }

        var at = letters[random.Next(letters.Count)];
        var escape = "\\u" + ((int)quotedKey[at]).ToString(random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture);
        return new StringBuilder(quotedKey).Remove(at, 1).Insert(at, escape).ToString();
    }

    private static string Quote(string text) => JsonValue.Create(text).ToJsonString();
}
