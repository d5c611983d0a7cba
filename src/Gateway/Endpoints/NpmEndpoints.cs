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
/// <see cref="StagingModeOptions.AnsweredByGateway"/> (<c>Gateway:Staging:Mode</c> = <c>gateway</c>); in <c>upstream</c>
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
        // Whether the stage routes are answered here or forwarded to a registry with its own stage API.
        builder.Services.AddSingleton<IValidateOptions<StagingModeOptions>, StagingModeOptionsValidator>();
        builder.Services.AddOptions<StagingModeOptions>().Bind(builder.Configuration.GetSection(StagingModeOptions.Section)).ValidateOnStart();
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
        app.MapBrowserFlowDone();
        return app;
    }

    private static Endpoint Endpoint(NpmAction action, RequestDelegate handler) =>
        new(handler, new EndpointMetadataCollection(NpmRequest.Instance, action), $"npm {action} (answered by the gateway)");
}
