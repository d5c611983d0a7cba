using Gateway.Configuration;
using Gateway.Health;
using Gateway.Logging;
using Gateway.Pipeline;
using Gateway.Policy;
using Gateway.Proxy;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.Store;
using Gateway.Web;
using Gateway.WebAuthn;
using Microsoft.Extensions.Options;

if (PolicyExplainCommand.Handles(args))
{
    return PolicyExplainCommand.Run(args, Console.Out, Console.Error);
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddGatewayLogging();
    builder.AddGatewayOptions();
    builder.AddRoutePolicy();
    builder.AddStore();
    builder.AddSecretProtection();
    builder.AddDependencyGuards();
    builder.AddUpstreamClient();
    builder.AddGatewayStages();
    builder.AddSecurityKeys();
    builder.AddGatewayWeb();
    builder.AddRegistryProxy();

    var app = builder.Build();
    app.ValidateGatewayOptions();
    app.LoadRoutePolicy();
    await app.ConnectStoreAsync();
    app.WarmUpGatewayStages();
    app.UseDependencyFailureHandling();
    app.UseGatewayWeb();
    app.MapGatewayHealth();
    app.MapGatewayWeb();
    app.MapReverseProxy(pipeline => pipeline.UseGatewayStages());
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is PolicyFileException or OptionsValidationException)
{
    // Bad configuration: say what and where, without a stack trace, and refuse to start.
    Console.Error.WriteLine($"npm-2fa-gateway cannot start: {e.Message}");
    return 1;
}
