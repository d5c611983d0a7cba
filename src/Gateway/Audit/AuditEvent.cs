namespace Gateway.Audit;

/// <summary>
/// One security-relevant decision or change, as written to the log and to the store's trail. Every field is
/// safe to show an operator: the credential is a fingerprint (a keyed hash of a keyed hash, never the token),
/// and nothing a user typed (a code, a password, a flow id) is ever a field.
/// </summary>
/// <param name="Type">What happened: one of <see cref="AuditEventTypes"/>.</param>
/// <param name="User">The account concerned, when known.</param>
/// <param name="Credential">The fingerprint of the credential that made the request (npm), or null (pages, operator).</param>
/// <param name="Client">The client's address, or <c>operator</c> for an admin command.</param>
/// <param name="Action">The npm action (the route policy's name, e.g. <c>publish</c>) or the page's.</param>
/// <param name="Package">The package concerned, if any.</param>
/// <param name="Outcome">How it ended: a reason, a factor, a mode (see <see cref="AuditEventTypes"/>).</param>
public sealed record AuditEvent(
    DateTimeOffset Time,
    string Type,
    string? User,
    string? Credential,
    string? Client,
    string? Action,
    string? Package,
    string Outcome);
