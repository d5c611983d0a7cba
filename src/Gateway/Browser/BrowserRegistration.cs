using Gateway.Http;

namespace Gateway.Browser;

/// <summary>The browser front end: pages under <c>/-/gateway/</c> (sign in, account, approvals, web login) and the ceremony API.</summary>
internal static class BrowserRegistration
{
    public static WebApplicationBuilder AddBrowserFrontEnd(this WebApplicationBuilder builder)
    {
        builder.AddGatewaySession();
        builder.Services.AddSingleton<BrowserFlowUrls>();
        builder.Services.AddSingleton<SecondFactorProof>();
        builder.Services.AddSingleton<TrustedPublisherListing>();
        builder.Services.AddPageBodyLimit();
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
    public static WebApplication UseBrowserFrontEnd(this WebApplication app)
    {
        IApplicationBuilder main = app;
        app.UseWhen(context => context.Request.Path.StartsWithSegments(GatewayUrls.Prefix), pages =>
        {
            var before = new HashSet<string>(pages.Properties.Keys);
            pages.UsePageBodyLimit();
            pages.UseAuthentication();
            pages.UseAuthorization();
            pages.UseAntiforgery();
            pages.UsePageAuditActor();
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

    public static WebApplication MapBrowserFrontEnd(this WebApplication app)
    {
        app.MapGatewayAssets();
        var gateway = app.MapGroup(GatewayUrls.Prefix);
        gateway.MapWebAuthnApi();
        // HTML pages: their errors are pages too (Errors/DependencyFailureHandler.cs).
        var pages = gateway.MapGroup("").WithMetadata(GatewayPage.Instance);
        pages.MapSignIn();
        pages.MapAccount();
        pages.MapStaged();
        pages.MapAuthorize();
        pages.MapWebLoginPages();
        // Nothing under the gateway's prefix is the registry's. A request no endpoint here takes (an unknown path, or a
        // page's form sent with another content type, which the form endpoint does not match) is answered here, never
        // left to the proxy's catch-all route, which would forward it as an unnamed npm write.
        gateway.Map("{**rest}", context => GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound,
            "No such endpoint of the 2FA gateway."));
        return app;
    }
}
