namespace Gateway.Policy;

/// <summary>One validated rule of the route policy.</summary>
/// <param name="Index">Position in the policy (rules are tried in order, first match wins).</param>
/// <param name="Source">Where the rule is written, <c>file:line</c>, for errors, logs and <c>policy explain</c>.</param>
public sealed record RouteRule(
    int Index,
    NpmAction Action,
    IReadOnlyList<string> Methods,
    PathTemplate Path,
    BodyCondition? Body,
    ProtectionClass Class,
    bool FollowUp = false,
    string? AccountKey = null,
    bool SideDoor = false,
    bool Governance = false,
    string Source = "")
{
    /// <summary>
    /// Whether the request changes who may do what (tokens, profile, 2FA, owners, access, teams, orgs): a token
    /// that may skip the second factor never may for these (docs/SECURITY.md, "Tokens"). Every class-auth rule is.
    /// </summary>
    public bool IsGovernance => Governance || Class == ProtectionClass.Auth;

    /// <summary><c>"*"</c> in <c>methods</c>: every method except GET, HEAD and OPTIONS, custom verbs included.</summary>
    public const string AnyWriteMethod = "*";

    /// <summary>For logs and <c>policy explain</c>; built once, not on every request.</summary>
    public string Description { get; } =
        $"rules[{Index}] '{Action}': {string.Join('|', Methods)} {Path}" + (Body is null ? "" : $" with body {Body}")
        + (AccountKey is null ? "" : $"; account = body \"{AccountKey}\"") + (FollowUp ? "; follow-up" : "") + (SideDoor ? "; registry side door" : "")
        + (Governance || Class == ProtectionClass.Auth ? "; governance" : "");

    public string Describe() => Description;
}
