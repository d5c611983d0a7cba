using System.Text.Json;

namespace Gateway.Policy;

/// <summary>
/// What a rule may require of a small JSON body, for the few routes where the URL cannot tell the npm
/// action (publish vs deprecate vs star on <c>PUT /&lt;name&gt;</c>, docs/PROTOCOL.md#32-telling-put-name-apart).
/// </summary>
/// <param name="OnlyKeys">The body's top-level keys must all be in this set.</param>
/// <param name="RequiredKeys">The body must have every one of these top-level keys.</param>
/// <param name="EmptyOrAbsent">Each of these keys is absent, null, or an empty object/array/string.</param>
/// <param name="ObjectKeys">
/// Each of these keys is present and a JSON object (not null, not an array): the positive proof of a shape.
/// Verdaccio takes <c>PUT /&lt;name&gt;</c> for a star only when <c>users</c> is an object; with any other
/// <c>users</c> it creates the package, so a star rule must insist on it.
/// </param>
public sealed record BodyCondition(
    IReadOnlyList<string> OnlyKeys,
    IReadOnlyList<string> RequiredKeys,
    IReadOnlyList<string> EmptyOrAbsent,
    IReadOnlyList<string>? ObjectKeys = null)
{
    public IReadOnlyList<string> ObjectKeys { get; } = ObjectKeys ?? [];

    public bool IsSatisfiedBy(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (OnlyKeys.Count > 0 && body.EnumerateObject().Any(p => !OnlyKeys.Contains(p.Name, StringComparer.Ordinal)))
        {
            return false;
        }

        return RequiredKeys.All(k => body.TryGetProperty(k, out _))
            && ObjectKeys.All(k => body.TryGetProperty(k, out var value) && value.ValueKind == JsonValueKind.Object)
            && EmptyOrAbsent.All(k => !body.TryGetProperty(k, out var value) || IsEmpty(value));
    }

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.String => value.GetString()!.Length == 0,
        _ => false,
    };

    public override string ToString()
    {
        var parts = new List<string>(4);
        if (OnlyKeys.Count > 0) parts.Add($"only keys [{string.Join(", ", OnlyKeys)}]");
        if (RequiredKeys.Count > 0) parts.Add($"has [{string.Join(", ", RequiredKeys)}]");
        if (EmptyOrAbsent.Count > 0) parts.Add($"empty or absent [{string.Join(", ", EmptyOrAbsent)}]");
        if (ObjectKeys.Count > 0) parts.Add($"objects [{string.Join(", ", ObjectKeys)}]");
        return string.Join("; ", parts);
    }
}
