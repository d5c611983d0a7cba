using Gateway.Configuration;
using Gateway.Npm;
using Gateway.Policy;
using Microsoft.Extensions.Options;

namespace Gateway.Endpoints;

/// <summary>
/// The npm requests the gateway answers itself, each behind the same classification, decision and enforcement point as
/// every forwarded request (docs/ARCHITECTURE.md, "Endpoints"): chosen by the action the route policy matched
/// (<see cref="NpmEndpointTable"/>), except the <c>doneUrl</c> npm polls, which is the gateway's own URL. A new npm
/// family adds its endpoint here. The stage API's endpoints are added only when
/// <see cref="StagingOptions.AnsweredByGateway"/> (<c>Gateway:Staging:Mode</c> = <c>gateway</c>); in <c>upstream</c>
/// mode the same actions, decided the same way, go to the registry.
/// </summary>
internal static class NpmEndpoints
{
    public static WebApplicationBuilder AddNpmEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProfileEndpoint>();
        builder.Services.AddSingleton<TokenListEndpoint>();
        builder.Services.AddSingleton<PackageRuleEndpoint>();
        builder.Services.AddSingleton<LogoutEndpoint>();
        builder.Services.AddSingleton<WebLoginEndpoint>();
        builder.Services.AddSingleton<StageCallers>();
        builder.Services.AddSingleton<StagePublishEndpoint>();
        builder.Services.AddSingleton<StageListEndpoint>();
        builder.Services.AddSingleton<StageItemEndpoint>();
        builder.Services.AddSingleton<StageApproveEndpoint>();
        builder.Services.AddSingleton<StageRejectEndpoint>();
        builder.Services.AddSingleton<OidcExchangeEndpoint>();
        builder.Services.AddSingleton<TrustEndpoint>();
        builder.Services.AddSingleton<VisibilityEndpoint>();
        return builder;
    }

    public static WebApplication MapNpmEndpoints(this WebApplication app)
    {
        var table = app.Services.GetRequiredService<NpmEndpointTable>();
        var profile = app.Services.GetRequiredService<ProfileEndpoint>();
        foreach (var action in ProfileEndpoint.Actions)
        {
            table.Add(action, Endpoint(action, profile.HandleAsync));
        }

        table.Add(NpmAction.TokenList, Endpoint(NpmAction.TokenList, app.Services.GetRequiredService<TokenListEndpoint>().HandleAsync));
        table.Add(NpmAction.Access, Endpoint(NpmAction.Access, app.Services.GetRequiredService<PackageRuleEndpoint>().HandleAsync));
        table.Add(NpmAction.Logout, Endpoint(NpmAction.Logout, app.Services.GetRequiredService<LogoutEndpoint>().HandleAsync));
        table.Add(NpmAction.WebLogin, Endpoint(NpmAction.WebLogin, app.Services.GetRequiredService<WebLoginEndpoint>().HandleAsync));
        if (app.Services.GetRequiredService<IOptions<StagingOptions>>().Value.AnsweredByGateway)
        {
            MapStageEndpoints(app, table);
        }

        table.Add(NpmAction.OidcExchange, Endpoint(NpmAction.OidcExchange, app.Services.GetRequiredService<OidcExchangeEndpoint>().HandleAsync));
        table.Add(NpmAction.Trust, Endpoint(NpmAction.Trust, app.Services.GetRequiredService<TrustEndpoint>().HandleAsync));
        table.Add(NpmAction.Visibility, Endpoint(NpmAction.Visibility, app.Services.GetRequiredService<VisibilityEndpoint>().HandleAsync));
        app.MapBrowserFlowDone();
        return app;
    }

    /// <summary>npm's stage API, answered on any registry (docs/ARCHITECTURE.md, "Staged publishes").</summary>
    private static void MapStageEndpoints(WebApplication app, NpmEndpointTable table)
    {
        table.Add(NpmAction.StagePublish, Endpoint(NpmAction.StagePublish, app.Services.GetRequiredService<StagePublishEndpoint>().HandleAsync));
        table.Add(NpmAction.StageList, Endpoint(NpmAction.StageList, app.Services.GetRequiredService<StageListEndpoint>().HandleAsync));
        var item = app.Services.GetRequiredService<StageItemEndpoint>();
        foreach (var action in StageItemEndpoint.Actions)
        {
            table.Add(action, Endpoint(action, item.HandleAsync));
        }

        table.Add(NpmAction.StageApprove, Endpoint(NpmAction.StageApprove, app.Services.GetRequiredService<StageApproveEndpoint>().HandleAsync));
        table.Add(NpmAction.StageReject, Endpoint(NpmAction.StageReject, app.Services.GetRequiredService<StageRejectEndpoint>().HandleAsync));
    }

    private static Endpoint Endpoint(NpmAction action, RequestDelegate handler) =>
        new(handler, new EndpointMetadataCollection(NpmRequest.Instance, action), $"npm {action} (answered by the gateway)");
}
