namespace Gateway.Configuration;

/// <summary><c>Gateway:Regulation</c>: how failed second factors are throttled.</summary>
public sealed class RegulationOptions
{
    /// <summary>The consecutive failure that starts the first lock-out (5: the sixth attempt is refused with 429).</summary>
    public int FreeFailures { get; set; } = 5;

    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan LongestLockout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At this many consecutive failures the account stays locked until the counter expires.</summary>
    public int MaxFailures { get; set; } = 100;

    /// <summary>How long a failure is remembered after the last one.</summary>
    public TimeSpan CounterLifetime { get; set; } = TimeSpan.FromHours(24);
}
