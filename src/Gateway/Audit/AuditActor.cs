namespace Gateway.Audit;

/// <summary>
/// Who is acting in the current request: the credential's fingerprint and the client's address. Set by the front
/// end that knows them (the npm stages, the pages, an operator command) and read by <see cref="AuditTrail"/>,
/// so the two-factor core, which knows no HTTP, records events with them without passing them through every
/// call — the same way a logging scope travels with the request.
/// </summary>
public sealed record AuditActor(string? Credential, string? Client)
{
    private static readonly AsyncLocal<AuditActor?> Ambient = new();

    public static AuditActor? Current => Ambient.Value;

    /// <summary>Sets the actor for the rest of the calling async flow. Call it from an async method, whose end restores the previous one.</summary>
    public static void Enter(AuditActor actor) => Ambient.Value = actor;

    /// <summary>An admin command run on the gateway's host.</summary>
    public static readonly AuditActor Operator = new(null, "operator");
}
