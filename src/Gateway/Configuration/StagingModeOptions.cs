namespace Gateway.Configuration;

/// <summary>
/// <c>Gateway:Staging:Mode</c>: who answers npm's stage API (docs/ARCHITECTURE.md, "Endpoints"). <c>gateway</c> (the
/// default): the gateway holds staged releases itself, for any registry. <c>upstream</c>: the registry has its own stage
/// API (Verdaccio 9 with <c>flags.stage</c>), so the stage routes are forwarded to it and no gateway endpoint is
/// registered for them. In both modes the one decision applies: staging needs a caller, approving and rejecting a
/// verified second factor from an account with 2FA. Checked by <see cref="StagingModeOptionsValidator"/>.
/// </summary>
public sealed record StagingModeOptions
{
    public const string Section = "Gateway:Staging";

    public const string GatewayMode = "gateway";

    public const string UpstreamMode = "upstream";

    /// <summary><c>gateway</c> or <c>upstream</c>.</summary>
    public string Mode { get; init; } = GatewayMode;

    /// <summary>The gateway answers the stage routes itself: register its stage endpoints only when this is true.</summary>
    public bool AnsweredByGateway => Mode == GatewayMode;
}
