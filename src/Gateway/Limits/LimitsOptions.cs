namespace Gateway.Limits;

/// <summary>
/// <c>Gateway:Limits</c>: what one request and one client address may take from the gateway, set on Kestrel so
/// that an oversized request is answered 431/414 before anything reaches the registry, and so that one address
/// cannot hold every connection (README.md, "Configuration"; docs/SECURITY.md, "Availability"). Checked by
/// <see cref="LimitsOptionsValidator"/>.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Gateway:Limits";

    /// <summary>
    /// The request headers' total size, in bytes. Node (Verdaccio, most registries) refuses a request whose request
    /// line and headers exceed 16 KB with 431; the default leaves room for the request line (<see cref="MaxRequestLineSize"/>)
    /// and the headers the gateway adds (<c>X-Forwarded-*</c>, <c>Host</c>), so the registry never refuses what the
    /// gateway accepted.
    /// </summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 12 * 1024;

    /// <summary>The request line (method, target, version), in bytes; longer → 414.</summary>
    public int MaxRequestLineSize { get; set; } = 3 * 1024;

    /// <summary>
    /// Connections open at once, all addresses together (Kestrel refuses more). Empty: 10,000, or less when the
    /// process's descriptor limit (<c>ulimit -n</c>) cannot hold that many; a value it cannot hold stops start-up.
    /// </summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>Connections one client address (an IPv6 /64) may hold at once; trusted proxies are exempt. 0: no limit.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 256;

    /// <summary>How long an idle connection is kept between requests (Kestrel's default is 130 s).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a client may take to send a request's headers (Kestrel's default is 30 s).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Used when <see cref="MaxConcurrentConnections"/> is empty and the descriptor limit allows it.</summary>
    public const long DefaultMaxConcurrentConnections = 10_000;
}
