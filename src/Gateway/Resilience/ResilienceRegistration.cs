namespace Gateway.Resilience;

/// <summary>The two guarded dependencies, as keyed singletons (the store's is registered by <c>Store/StoreRegistration</c>).</summary>
internal static class ResilienceRegistration
{
    public const string Store = "store";
    public const string Upstream = "upstream";

    public static WebApplicationBuilder AddDependencyGuards(this WebApplicationBuilder builder)
    {
        builder.Services.AddKeyedSingleton(Upstream, (sp, _) => new DependencyGuard("the registry's whoami", TimeSpan.FromSeconds(5), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
