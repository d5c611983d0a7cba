using Gateway.BrowserFlows;

namespace Gateway.Web;

/// <summary>The browser side of the gateway: pages under <c>/-/gateway/</c>, web-OTP, web login.</summary>
internal static class WebRegistration
{
    public static WebApplicationBuilder AddGatewayWeb(this WebApplicationBuilder builder)
    {
        builder.AddGatewaySession();
        builder.Services.AddSingleton<BrowserFlowStore>();
        builder.Services.AddSingleton<BrowserFlowUrls>();
        builder.Services.AddSingleton<WebOtpTokens>();
        builder.Services.AddSingleton<FlowCreationLimits>();
        builder.Services.AddSingleton<UpstreamLogin>();
        builder.Services.AddSingleton<SecondFactorProof>();
        return builder;
    }

    /// <summary>
    /// Session and antiforgery run only for the gateway's own pages: proxied registry traffic (reads above
    /// all) never pays for them.
    /// </summary>
    /// <remarks>
    /// <see cref="WebApplication"/> adds <c>UseAuthentication</c>, <c>UseAuthorization</c> and
    /// <c>UseAntiforgery</c> to the main pipeline by itself, for every request, unless the application
    /// has already called them; it looks for the markers those calls leave in
    /// <see cref="IApplicationBuilder.Properties"/>. A <c>UseWhen</c> branch has its own copy of the
    /// properties, so without copying the markers back every proxied read paid for a cookie
    /// authentication, an authorization and an antiforgery pass (docs/BENCHMARKS.md, "Read path CPU per request").
    /// </remarks>
    public static WebApplication UseGatewayWeb(this WebApplication app)
    {
        IApplicationBuilder main = app;
        app.UseWhen(context => context.Request.Path.StartsWithSegments(GatewayUrls.Prefix), pages =>
        {
            var before = new HashSet<string>(pages.Properties.Keys);
            pages.UseAuthentication();
            pages.UseAuthorization();
            pages.UseAntiforgery();
            foreach (var (key, value) in pages.Properties)
            {
                if (!before.Contains(key))
                {
                    main.Properties[key] = value; // "this middleware is in the pipeline": WebApplication adds no global copy
                }
            }
        });
        return app;
    }

    public static WebApplication MapGatewayWeb(this WebApplication app)
    {
        app.MapBrowserFlowDone();
        app.MapWebLogin();
        app.MapGatewayAssets();
        var gateway = app.MapGroup(GatewayUrls.Prefix);
        gateway.MapWebAuthnApi();
        // HTML pages: their errors are pages too (Resilience/DependencyFailureHandler.cs).
        var pages = gateway.MapGroup("").WithMetadata(GatewayPage.Instance);
        pages.MapSignIn();
        pages.MapAccount();
        pages.MapAuthorize();
        pages.MapWebLoginPages();
        return app;
    }
}
