using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>What differs between two <see cref="RegistrySnapshot"/>s, one line per file, field, user or token list.</summary>
internal static class StateChange
{
    public static IReadOnlyList<string> Between(RegistrySnapshot before, RegistrySnapshot after)
    {
        var changes = new List<string>();
        foreach (var path in before.Files.Keys.Union(after.Files.Keys).Order(StringComparer.Ordinal))
        {
            var had = before.Files.TryGetValue(path, out var old);
            var has = after.Files.TryGetValue(path, out var now);
            if (!had)
            {
                changes.Add($"storage/{path}: created");
            }
            else if (!has)
            {
                changes.Add($"storage/{path}: deleted");
            }
            else if (old!.Comparable != now!.Comparable)
            {
                changes.Add($"storage/{path}: changed{FieldsChanged(old.Comparable, now.Comparable)}");
            }
        }

        changes.AddRange(HtpasswdChanges(before.Htpasswd, after.Htpasswd));
        changes.AddRange(Changed("token list of", before.TokenLists, after.TokenLists));
        changes.AddRange(Changed("gateway 2FA record of", before.TwoFactorRecords, after.TwoFactorRecords));
        return changes;
    }

    private static IEnumerable<string> Changed(string what, IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Where(b => after.GetValueOrDefault(b.Key) != b.Value).Select(b => $"{what} {b.Key}: [{b.Value}] → [{after.GetValueOrDefault(b.Key)}]");

    private static IEnumerable<string> HtpasswdChanges(byte[] before, byte[] after)
    {
        static Dictionary<string, string> Users(byte[] bytes) => Encoding.UTF8.GetString(bytes)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2))
            .GroupBy(parts => parts[0])
            .ToDictionary(g => g.Key, g => string.Join("|", g.Select(p => p.Length > 1 ? p[1] : "")));

        var (old, now) = (Users(before), Users(after));
        foreach (var user in old.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            if (!old.ContainsKey(user))
            {
                yield return $"htpasswd: user {user} added";
            }
            else if (!now.ContainsKey(user))
            {
                yield return $"htpasswd: user {user} removed";
            }
            else if (old[user] != now[user])
            {
                yield return $"htpasswd: password hash of {user} changed";
            }
        }
    }

    /// <summary>For packuments: the JSON paths (two levels deep) whose values differ.</summary>
    private static string FieldsChanged(string before, string after)
    {
        if (!before.StartsWith('{') || !after.StartsWith('{'))
        {
            return " (content)";
        }

        var (old, now) = (JsonNode.Parse(before)!.AsObject(), JsonNode.Parse(after)!.AsObject());
        var paths = new List<string>();
        foreach (var key in old.Select(m => m.Key).Union(now.Select(m => m.Key)))
        {
            var (a, b) = (old[key], now[key]);
            if (JsonNode.DeepEquals(a, b))
            {
                continue;
            }

            if (a is JsonObject ao && b is JsonObject bo)
            {
                paths.AddRange(ao.Select(m => m.Key).Union(bo.Select(m => m.Key))
                    .Where(k => !JsonNode.DeepEquals(ao[k], bo[k]))
                    .Select(k => $"{key}.{k}{(ao.ContainsKey(k) ? bo.ContainsKey(k) ? "" : " removed" : " added")}"));
            }
            else
            {
                paths.Add(key);
            }
        }

        return $" ({string.Join(", ", paths)})";
    }
}
