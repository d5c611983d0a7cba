using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Http;

/// <summary>The gateway under the path of <c>Gateway:PublicUrl</c> (docs/ARCHITECTURE.md, "The gateway under a path").</summary>
internal static class PublicPath
{
    /// <summary>
    /// Before routing: endpoints are then matched, and the npm stages classify, on the path under the public path. At the
    /// host's root nothing is added, and a request costs nothing more.
    /// </summary>
    public static WebApplication UsePublicPath(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (options.PublicPath.Length > 0)
        {
            app.UseMiddleware<PublicPathMiddleware>(options.PublicUrl.Trim());
        }

        return app;
    }
}
