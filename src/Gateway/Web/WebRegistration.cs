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
    public static WebApplication UseGatewayWeb(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(GatewayUrls.Prefix), pages =>
        {
            pages.UseAuthentication();
            pages.UseAuthorization();
            pages.UseAntiforgery();
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
