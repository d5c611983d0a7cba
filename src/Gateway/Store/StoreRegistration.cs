using Gateway.Configuration;
using Gateway.Resilience;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Store;

internal static class StoreRegistration
{
    /// <summary>
    /// One <see cref="IConnectionMultiplexer"/> for the process, to Redis or to the embedded Garnet, the store's
    /// guard, and the record classes: the only services that reach the store.
    /// </summary>
    public static WebApplicationBuilder AddStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return StoreConnection.ConnectAsync(options.Store, options.DataPath, sp.GetRequiredService<ILoggerFactory>())
                .GetAwaiter().GetResult();
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StoreConnection>().Multiplexer);
        builder.Services.AddKeyedSingleton(ResilienceRegistration.Store, (sp, _) =>
            StoreGuard.Create(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ResilienceOptions>>().Value));

        builder.Services.AddSingleton<AccountRecords>();
        builder.Services.AddSingleton<CredentialUsers>();
        builder.Services.AddSingleton<FailureCounters>();
        builder.Services.AddSingleton<RecoveryCodeBindings>();
        builder.Services.AddSingleton<FlowRecords>();
        builder.Services.AddSingleton<WebOtpRecords>();
        builder.Services.AddSingleton<FlowCounters>();
        builder.Services.AddSingleton<StoreProbe>();
        return builder;
    }

    /// <summary>Connects (and starts the embedded store) before the first request, so a bad store setting stops start-up.</summary>
    public static WebApplication ConnectStore(this WebApplication app)
    {
        app.Services.GetRequiredService<StoreConnection>();
        return app;
    }
}
