using System.Globalization;
using System.Text.Json;

namespace Gateway.Staging;

/// <summary>
/// A staged publish as npm's stage API lists and shows it (npm 11.15+ <c>npm stage list|view</c>; npmjs's OpenAPI
/// <c>StagedPackage</c>): the exact property names the clients print. Written once, when the publish is staged.
/// </summary>
internal sealed record StageItem(
    string Id, string PackageName, string Version, string Tag, string CreatedAt, string Actor, string ActorType, string Access, string Shasum)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static StageItem For(string id, StagedPublish publish, string actor, DateTimeOffset stagedAt) =>
        new(id, publish.Package, publish.Version, publish.Tag,
            stagedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), actor, "user", publish.Access, publish.Shasum);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The item as <see cref="ToJson"/> wrote it.</summary>
    public static StageItem FromJson(string json) =>
        JsonSerializer.Deserialize<StageItem>(json, Json) ?? throw new JsonException("A stage's item is null.");
}
