namespace Gateway.Configuration;

/// <summary>
/// <c>Gateway:StoreReplication</c>: how many replicas must hold a write that spends a code (a TOTP step's binding,
/// a recovery code, a web-OTP token, a failure count, a 2FA record change) before the gateway acts on it. Redis
/// replicates asynchronously: without this, a primary that fails right after acknowledging such a write can take it
/// along, and the replica promoted in its place accepts the same code again (docs/SCALING.md, "Replication lag").
/// </summary>
public sealed class StoreReplicationOptions
{
    public const string Section = "Gateway:StoreReplication";

    /// <summary>
    /// Replicas that must confirm (Redis <c>WAIT</c>); 0 takes the primary's word (one server, or the embedded store).
    /// With Sentinel or Cluster set it to the number of replicas of each primary (usually 1): a write then
    /// survives the promotion of any of them.
    /// </summary>
    public int ConfirmReplicas { get; set; }

    /// <summary>How long to wait for them; a code whose write they did not confirm in time is refused with 503.</summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
