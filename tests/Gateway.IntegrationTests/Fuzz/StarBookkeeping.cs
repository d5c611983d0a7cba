using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// The packument fields a star or unstar (class none) legitimately rewrites in Verdaccio's package.json.
/// Measured by <c>SecondFactorFuzzTests</c>'s star probe on every run (Verdaccio 6.8: <c>users</c> and
/// <c>_rev</c>); <c>time.modified</c> is stripped too because Verdaccio's star handler may stamp it. Everything
/// else in a package.json is compared after parsing.
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
