using Gateway.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>One catch-all YARP route to the upstream registry; the gateway's own endpoints take precedence.</summary>
internal static class RegistryProxyExtensions
{
    private const string ClusterId = "registry";

    public static WebApplicationBuilder AddRegistryProxy(this WebApplicationBuilder builder)
    {
        var options = builder.ValidatedGatewayOptions();
        var route = new RouteConfig
        {
            RouteId = "registry",
            ClusterId = ClusterId,
            Order = int.MaxValue, // after /-/gateway/* and the endpoints the gateway answers itself
            Match = new RouteMatch { Path = "{**path}" },
            MaxRequestBodySize = options.MaxPublishBytes,
        };
        var cluster = new ClusterConfig
        {
            ClusterId = ClusterId,
            Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = options.Upstream } },
            HttpRequest = new ForwarderRequestConfig
            {
                // A 100 MB publish over a slow link must not be cut off; Kestrel's own limits still apply.
                ActivityTimeout = TimeSpan.FromMinutes(5),
            },
        };

        builder.Services.AddReverseProxy()
            .LoadFromMemory([route], [cluster])
            .AddTransforms(context => RegistryTransforms.Apply(context, options));
        return builder;
    }
}
