using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>How the thief presents the stolen first factor in the Authorization header (a password in the body is part of the body).</summary>
internal enum FirstFactor
{
    Bearer,
    Basic,
    None,
}

/// <summary>What a catalogue entry's builders get: the scene, who attacks, which package, and the variant's own random source.</summary>
internal sealed record ActionInput(FuzzWorld World, FuzzActor Actor, FuzzVictim Victim, Random Random, int Index);

/// <summary>
/// One protected request of the npm catalogue in its canonical form; the generator mutates it.
/// <paramref name="AuthOnly"/>: the action needs a second factor in auth-only mode too, so bob attacks it as well as alice.
/// <paramref name="Cover"/>: the keys left visible when the rest of the body is hidden in a UTF-7 string (the shape a
/// harmless request of the same route has); null when hiding makes no sense for the route.
/// </summary>
internal sealed record ProtectedAction(
    string Name,
    string Method,
    bool AuthOnly,
    Func<ActionInput, RequestPathSpec> Path,
    Func<ActionInput, JsonNode?> Body,
    IReadOnlyList<FirstFactor> FirstFactors,
    IReadOnlyList<string>? Cover = null,
    string ContentType = "application/json",
    Func<ActionInput, byte[]>? RawBody = null);
