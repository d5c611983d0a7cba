using Gateway.Configuration;
using Gateway.Http;
using Gateway.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Gateway.Operations;

/// <summary>
/// OpenTelemetry metrics: the gateway's meter (<see cref="GatewayMetrics"/>), ASP.NET Core's and HttpClient's
/// (requests served, calls to the registry), read by Prometheus at <see cref="Path"/> and, when
/// <c>Gateway:Operations:OtlpEndpoint</c> is set, pushed over OTLP too.
/// </summary>
internal static class MetricsRegistration
{
    public const string Path = GatewayUrls.Prefix + "/metrics";

    public static WebApplicationBuilder AddGatewayMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<OperationsAccess>();
        var options = builder.Configuration.GetSection(OperationsOptions.Section).Get<OperationsOptions>() ?? new OperationsOptions();
        var otlp = options.OtlpEndpoint;
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(GatewayMetrics.MeterName)
                // No cached scrape: a scrape right after a decision must show it (scrapes are seconds apart anyway).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            if (options.HttpMetrics)
            {
                // Every request pays for these, reads included (Configuration/OperationsOptions.cs, HttpMetrics).
                metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            }

            if (Uri.TryCreate(otlp, UriKind.Absolute, out var endpoint))
            {
                metrics.AddOtlpExporter(o => o.Endpoint = endpoint);
            }
        });
        return builder;
    }

    public static WebApplication MapGatewayMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: OperationsAccess.Guard, optionsName: null)
            .DisableHttpMetrics();
        return app;
    }
}
