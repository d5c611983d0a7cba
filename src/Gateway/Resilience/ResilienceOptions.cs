namespace Gateway.Resilience;

/// <summary>
/// <c>Gateway:Resilience</c>: how long the gateway waits for the store and for the registry's whoami, and when
/// their circuit breakers open (README.md, "Configuration"). No retries: a protected request that cannot be
/// decided is refused with 503, never guessed.
/// </summary>
public sealed class ResilienceOptions
{
    public const string Section = "Gateway:Resilience";

    /// <summary>One store command (Redis or the embedded Garnet).</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One call to the registry (whoami, the password check, the profile, the web login's token).</summary>
    public TimeSpan RegistryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The share of failed calls, within <see cref="BreakerSamplingDuration"/>, that opens a breaker.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls within <see cref="BreakerSamplingDuration"/> before the ratio counts.</summary>
    public int BreakerMinimumThroughput { get; set; } = 4;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open breaker refuses calls; also the <c>Retry-After</c> of a 503.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);
}
