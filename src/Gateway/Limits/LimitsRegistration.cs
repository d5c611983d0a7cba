using Gateway.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Gateway.Limits;

/// <summary>
/// Kestrel's limits (<c>Gateway:Limits</c>), the per-address connection limit, and the client address
/// (<c>Gateway:TrustedProxies</c>). Read and checked while the host is built, since Kestrel is configured before
/// the container exists; a bad value stops start-up with its key, like every other option.
/// </summary>
internal static partial class LimitsRegistration
{
    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        var validator = new LimitsOptionsValidator();
        var errors = new List<string>();
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            errors.AddRange(result.Failures);
        }

        var trusted = TrustedProxies.Parse(builder.Configuration, errors);
        if (errors.Count > 0)
        {
            throw ConfigurationErrors.WithSources(builder.Configuration, new OptionsValidationException(Options.DefaultName, typeof(LimitsOptions), errors));
        }

        var maxConnections = validator.EffectiveMaxConnections(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(trusted);
        builder.Services.AddSingleton(sp => new AddressConnectionLimit(
            options.MaxConnectionsPerAddress, trusted, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AddressConnectionLimit>>()));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // 431 and 414 are Kestrel's own answers, before any middleware runs: nothing reaches the registry.
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestLineSize = options.MaxRequestLineSize;
            kestrel.Limits.MaxConcurrentConnections = maxConnections;
            kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(next =>
            {
                var limit = listen.ApplicationServices.GetRequiredService<AddressConnectionLimit>();
                return connection => limit.OnConnectionAsync(connection, next);
            }));
        });

        if (trusted.Any)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                // The framework trusts loopback by default: only the configured proxies here.
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var network in trusted.Networks)
                {
                    forwarded.KnownIPNetworks.Add(network);
                }

                // Walk back through a chain of trusted proxies to the first address that is not one.
                forwarded.ForwardLimit = null;
            });
        }

        return builder;
    }

    /// <summary>
    /// First in the pipeline: with trusted proxies, the connection's address becomes the client's
    /// (<c>X-Forwarded-For</c>, from a trusted proxy only), for everything after it — flow limits, the audit actor,
    /// whoami's and the forwarded request's <c>X-Forwarded-For</c>. Without any, nothing runs.
    /// </summary>
    public static WebApplication UseClientAddress(this WebApplication app)
    {
        var trusted = app.Services.GetRequiredService<TrustedProxies>();
        var limits = app.Services.GetRequiredService<LimitsOptions>();
        var validator = new LimitsOptionsValidator();
        LogLimits(app.Logger, validator.EffectiveMaxConnections(limits), DescriptorLimit.Current()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown",
            limits.MaxConnectionsPerAddress, trusted.Networks.Count);
        if (trusted.Any)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    [LoggerMessage(EventId = LogEvents.ConnectionLimits, Level = LogLevel.Information, Message = "Connections: at most {MaxConnections} at once (descriptor limit {Descriptors}), {PerAddress} per client address (0: no limit); {TrustedProxies} trusted proxy network(s)")]
    private static partial void LogLimits(ILogger logger, long maxConnections, string descriptors, int perAddress, int trustedProxies);
}
