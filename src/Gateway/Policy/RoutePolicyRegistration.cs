using Gateway.Configuration;

namespace Gateway.Policy;

internal static class RoutePolicyRegistration
{
    /// <summary>Loads the route policy now, so an invalid file stops start-up before the server listens.</summary>
    public static WebApplicationBuilder AddRoutePolicy(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.PolicyFile)}"] ?? new GatewayOptions().PolicyFile;
        var file = builder.Environment.ResolvePath(configured);
        builder.Services.AddSingleton(sp => new RoutePolicyProvider(file, sp.GetRequiredService<ILogger<RoutePolicyProvider>>()));
        return builder;
    }

    public static WebApplication LoadRoutePolicy(this WebApplication app)
    {
        app.Services.GetRequiredService<RoutePolicyProvider>();
        return app;
    }
}
