namespace Gateway.Resilience;

/// <summary>The two guarded dependencies, as keyed singletons.</summary>
internal static class ResilienceRegistration
{
    public const string Store = "store";
    public const string Upstream = "upstream";

    public static WebApplicationBuilder AddDependencyGuards(this WebApplicationBuilder builder)
    {
        builder.Services.AddKeyedSingleton(Store, (sp, _) => new DependencyGuard("the 2FA store", TimeSpan.FromSeconds(2), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddKeyedSingleton(Upstream, (sp, _) => new DependencyGuard("the registry's whoami", TimeSpan.FromSeconds(5), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddExceptionHandler<DependencyFailureHandler>();
        return builder;
    }

    /// <summary>
    /// Before the gateway's pages and the proxy, so that every endpoint and every pipeline stage reaches
    /// <see cref="DependencyFailureHandler"/>. Any other exception stays what it was: a bare 500.
    /// </summary>
    public static WebApplication UseDependencyFailureHandling(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return Task.CompletedTask;
            },
        });
        return app;
    }
}
