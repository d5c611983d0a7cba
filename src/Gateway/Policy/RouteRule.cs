namespace Gateway.Policy;

/// <summary>One validated rule of the route policy.</summary>
/// <param name="Index">Position in the file (rules are tried in order, first match wins).</param>
public sealed record RouteRule(
    int Index,
    string Action,
    IReadOnlyList<string> Methods,
    PathTemplate Path,
    BodyCondition? Body,
    ProtectionClass Class)
{
    /// <summary>For logs and <c>policy explain</c>; built once, not on every request.</summary>
    public string Description { get; } =
        $"rules[{Index}] '{Action}': {string.Join('|', Methods)} {Path}" + (Body is null ? "" : $" with body {Body}");

    public string Describe() => Description;
}
