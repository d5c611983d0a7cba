using Gateway.Configuration;

namespace Gateway.Proxy;

/// <summary>
/// The gateway's own HTTP client to the upstream registry (health, whoami, password checks, profile, packuments),
/// separate from YARP's forwarder. It has no base address: every request names its URI with <see cref="RegistryUris.For"/>,
/// so none can leave the upstream's path.
/// </summary>
internal static class UpstreamClient
{
    public const string Name = "upstream";

    public static WebApplicationBuilder AddUpstreamClient(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new RegistryUris(builder.ValidatedGatewayOptions()));
        builder.Services.AddSingleton<RegistryPackuments>();
        builder.Services.AddHttpClient(Name, client => client.Timeout = TimeSpan.FromSeconds(10));
        return builder;
    }
}
