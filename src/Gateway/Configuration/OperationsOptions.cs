namespace Gateway.Configuration;

/// <summary>
/// <c>Gateway:Operations</c>: the audit trail's size, who may read the metrics and audit endpoints, and the
/// optional OTLP export (README.md, "Operating"). Checked by <see cref="OperationsOptionsValidator"/>.
/// </summary>
public sealed class OperationsOptions
{
    public const string Section = "Gateway:Operations";

    /// <summary>How many audit events the shared trail in the store keeps (the oldest are dropped).</summary>
    public int AuditRetention { get; set; } = 100_000;

    /// <summary>
    /// A bearer secret for <c>/-/gateway/metrics</c> and <c>/-/gateway/audit</c>. Empty: only loopback clients may
    /// read them. A secret: any client sending <c>Authorization: Bearer &lt;secret&gt;</c> (compared in constant time).
    /// </summary>
    public string AccessSecret { get; set; } = "";

    /// <summary>An OTLP endpoint (e.g. <c>http://collector:4317</c>) to push metrics to, besides the Prometheus endpoint. Empty: none.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>
    /// Also export ASP.NET Core's and HttpClient's own request metrics (every request, reads included). Off by
    /// default: measured, they cost a proxied read about a tenth of its CPU (docs/BENCHMARKS.md), and the gateway's
    /// own metrics already count every protected request.
    /// </summary>
    public bool HttpMetrics { get; set; }

    /// <summary>The shortest bearer secret accepted: it guards who sees every user's security history.</summary>
    public const int MinimumSecretLength = 32;
}
