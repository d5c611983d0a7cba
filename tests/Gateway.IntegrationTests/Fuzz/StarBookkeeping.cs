using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// The packument fields a star or unstar (class none) legitimately rewrites in Verdaccio's package.json,
/// as measured by <c>SecondFactorFuzzTests</c>'s star probe: the users map, the revision, the modified time
/// and Verdaccio's internal write counter (<c>_rev</c>'s number and the <c>time.modified</c>).
/// Everything else in a package.json is compared byte for byte (after parsing).
/// </summary>
internal static class StarBookkeeping
{
    public static JsonNode Strip(JsonNode packument)
    {
        if (packument is JsonObject json)
        {
            json.Remove("users");
            json.Remove("_rev");
            json["time"]?.AsObject().Remove("modified");
        }

        return packument;
    }
}
