using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy;

/// <summary>The gateway's own HTTP client to the upstream registry (health, whoami), separate from YARP's forwarder.</summary>
internal static class UpstreamClient
{
    public const string Name = "upstream";

    public static WebApplicationBuilder AddUpstreamClient(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(Name, (sp, client) =>
        {
            client.BaseAddress = new Uri(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Upstream);
            client.Timeout = TimeSpan.FromSeconds(10);
        });
        return builder;
    }
}
