namespace Gateway.Logging;

internal static class GatewayLogging
{
    /// <summary>
    /// Framework categories that write request URLs at Information are held at Warning whatever the
    /// configuration says: npm logout sends its token in the path (<c>DELETE /-/user/token/&lt;token&gt;</c>),
    /// and a secret must never reach a log. The gateway logs requests itself, with <see cref="Policy.SafePath"/>.
    /// </summary>
    private static readonly string[] UrlLoggingCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.HttpLogging",
        "Yarp.ReverseProxy.Forwarder",
        "System.Net.Http.HttpClient",
    ];

    public static WebApplicationBuilder AddGatewayLogging(this WebApplicationBuilder builder)
    {
        foreach (var category in UrlLoggingCategories)
        {
            builder.Logging.AddFilter(category, level => level >= LogLevel.Warning);
        }

        return builder;
    }
}
