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
        builder.Services.AddSingleton<StoreConnector>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StoreConnector>().Connection);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StoreConnection>().Multiplexer);
        builder.Services.AddKeyedSingleton(ResilienceRegistration.Store, (sp, _) =>
            StoreGuard.Create(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ResilienceOptions>>().Value)
                .Measured(sp.GetRequiredService<Metrics.GatewayMetrics>(), "store"));

        builder.Services.AddSingleton<IValidateOptions<StoreReplicationOptions>, StoreReplicationOptionsValidator>();
        builder.Services.AddOptions<StoreReplicationOptions>().Bind(builder.Configuration.GetSection(StoreReplicationOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<ReplicaConfirmation>();
        builder.Services.AddSingleton<IValidateOptions<EmbeddedStoreOptions>, EmbeddedStoreOptionsValidator>();
        builder.Services.AddOptions<EmbeddedStoreOptions>().Bind(builder.Configuration.GetSection(EmbeddedStoreOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<AccountRecords>();
        builder.Services.AddSingleton<CredentialUsers>();
        builder.Services.AddSingleton<FailureCounters>();
        builder.Services.AddSingleton<RecoveryCodeBindings>();
        builder.Services.AddSingleton<FlowRecords>();
        builder.Services.AddSingleton<WebOtpRecords>();
        builder.Services.AddSingleton<FlowCounters>();
        builder.Services.AddSingleton<AddressCounters>();
        builder.Services.AddSingleton<StoreProbe>();
        builder.Services.AddSingleton<AuditRecords>();
        builder.Services.AddSingleton<TokenRecords>();
        builder.Services.AddSingleton<PackageRules>();
        builder.Services.AddSingleton<StageRecords>();
        builder.Services.AddSingleton<TrustRecords>();
        return builder;
    }

    /// <summary>
    /// Connects (and starts the embedded store, replaying its files) before anything uses the store and before the
    /// first request, awaited rather than blocked on inside a service factory, so a bad store setting stops start-up.
    /// </summary>
    public static async Task<WebApplication> ConnectStoreAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var connector = app.Services.GetRequiredService<StoreConnector>();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var compaction = app.Services.GetRequiredService<IOptions<EmbeddedStoreOptions>>().Value;
        await connector.ConnectAsync(options, compaction, loggers, app.Lifetime.ApplicationStopping);
        await StoreKeyMigration.RunAsync(connector.Connection.Multiplexer, loggers.CreateLogger(typeof(StoreKeyMigration)));
        await TokenOwnerIndex.RunAsync(connector.Connection.Multiplexer, loggers.CreateLogger(typeof(TokenOwnerIndex)));
        StoreTopology.WarnIfReplicasUnconfirmed(connector.Connection.Multiplexer,
            app.Services.GetRequiredService<IOptions<StoreReplicationOptions>>().Value, loggers.CreateLogger(typeof(StoreTopology)));
        return app;
    }
}
