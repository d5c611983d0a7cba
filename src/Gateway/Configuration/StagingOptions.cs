namespace Gateway.Configuration;

/// <summary>
/// <c>Gateway:Staging</c>: staged publishes the gateway holds for a person to approve (README.md, "Staged publishing";
/// docs/ARCHITECTURE.md, "Staged publishes"). Checked by <see cref="StagingOptionsValidator"/>.
/// </summary>
public sealed class StagingOptions
{
    public const string Section = "Gateway:Staging";

    public const string GatewayMode = "gateway";

    public const string UpstreamMode = "upstream";

    /// <summary>
    /// Who answers npm's stage API (docs/ARCHITECTURE.md, "Endpoints"). <c>gateway</c> (the default): the gateway holds
    /// staged releases itself, for any registry. <c>upstream</c>: the registry has its own stage API (Verdaccio 9 with
    /// <c>flags.stage</c>), so the stage routes are forwarded to it and no gateway endpoint is registered for them. In
    /// both modes the one decision applies: staging needs a caller, approving and rejecting a verified second factor from
    /// an account with 2FA.
    /// </summary>
    public string Mode { get; set; } = GatewayMode;

    /// <summary>The gateway answers the stage routes itself: its stage endpoints are registered only when this is true.</summary>
    public bool AnsweredByGateway => Mode == GatewayMode;

    /// <summary>The largest tarball a staged publish may carry (decoded bytes); larger is answered 413.</summary>
    public long MaxTarballBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>The largest publish document apart from its tarball (manifest, readme); larger is answered 413.</summary>
    public int MaxDocumentBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a staged publish waits for approval; older ones are removed (audit event <c>stage-expired</c>).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each instance looks for expired staged publishes (one instance removes each).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many staged publishes the gateway holds at once, everyone's together; more is answered 507.</summary>
    public int MaxItems { get; set; } = 1000;

    /// <summary>How long an approval may take to send the held publish to the registry (a 100 MB tarball over a slow link).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
