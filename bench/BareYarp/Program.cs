using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

// A bare YARP proxy: the gateway's one catch-all route and cluster (src/Gateway/Proxy/RegistryProxyExtensions.cs)
// with YARP's default transforms and no gateway stages. Upstream from BareYarp__Upstream.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var upstream = builder.Configuration["BareYarp:Upstream"] ?? "http://127.0.0.1:4873";

var route = new RouteConfig
{
    RouteId = "registry",
    ClusterId = "registry",
    Order = int.MaxValue,
    Match = new RouteMatch { Path = "{**path}" },
    // Unset, like the gateway (Kestrel's 30,000,000-byte default); BareYarp__MaxRequestBodySize=-1 lifts it
    // to show how a streamed 100 MB publish behaves (docs/BENCHMARKS.md).
    MaxRequestBodySize = long.TryParse(builder.Configuration["BareYarp:MaxRequestBodySize"], out var max) ? max : null,
};
var cluster = new ClusterConfig
{
    ClusterId = "registry",
    Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = upstream } },
    HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(5) },
};

builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
