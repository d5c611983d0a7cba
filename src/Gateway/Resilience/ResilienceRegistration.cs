using Microsoft.Extensions.Options;

namespace Gateway.Resilience;

/// <summary>The two guarded dependencies, as keyed singletons (the store's is registered by <c>Store/StoreRegistration</c>).</summary>
internal static class ResilienceRegistration
{
    public const string Store = "store";
    public const string Upstream = "upstream";

    /// <summary>How logs and 503 messages name each dependency ("cannot reach …").</summary>
    public const string StoreName = "the 2FA store";
    public const string RegistryName = "the registry";

    public static WebApplicationBuilder AddDependencyGuards(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<ResilienceOptions>, ResilienceOptionsValidator>();
        builder.Services.AddOptions<ResilienceOptions>().Bind(builder.Configuration.GetSection(ResilienceOptions.Section)).ValidateOnStart();
        builder.Services.AddKeyedSingleton(Upstream, (sp, _) => Guard(sp, RegistryName, o => o.RegistryTimeout));
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    private static DependencyGuard Guard(IServiceProvider services, string name, Func<ResilienceOptions, TimeSpan> timeout)
    {
        var options = services.GetRequiredService<IOptions<ResilienceOptions>>().Value;
        return new DependencyGuard(name, timeout(options), options, services.GetRequiredService<TimeProvider>());
    }
}
