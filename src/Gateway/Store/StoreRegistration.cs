using Gateway.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Store;

internal static class StoreRegistration
{
    /// <summary>One <see cref="IConnectionMultiplexer"/> for the process, to Redis or to the embedded Garnet.</summary>
    public static WebApplicationBuilder AddStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return StoreConnection.ConnectAsync(options.Store, options.DataPath, sp.GetRequiredService<ILoggerFactory>())
                .GetAwaiter().GetResult();
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StoreConnection>().Multiplexer);
        return builder;
    }

    /// <summary>Connects (and starts the embedded store) before the first request, so a bad store setting stops start-up.</summary>
    public static WebApplication ConnectStore(this WebApplication app)
    {
        app.Services.GetRequiredService<StoreConnection>();
        return app;
    }
}
