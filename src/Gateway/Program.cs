using Gateway.Admin;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Browser;
using Gateway.Configuration;
using Gateway.Endpoints;
using Gateway.Errors;
using Gateway.Health;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Limits;
using Gateway.Logging;
using Gateway.Npm;
using Gateway.Operations;
using Gateway.Policy;
using Gateway.Proxy;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.Staging;
using Gateway.Store;
using Gateway.TrustedPublishing;
using Gateway.TwoFactor;
using Gateway.WebAuthn;
using Microsoft.Extensions.Options;

if (PolicyExplainCommand.Handles(args))
{
    return await PolicyExplainCommand.RunAsync(args, Console.Out, Console.Error);
}

if (AdminCommand.Handles(args))
{
    return await AdminCommand.RunAsync(args, Console.Out, Console.Error);
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.ValidateServicesOnBuild();
    builder.AddGatewayLogging();
    builder.AddGatewayOptions();
    builder.AddRequestLimits();
    builder.AddRoutePolicy();
    builder.AddStore();
    builder.AddSecretProtection();
    builder.AddDependencyGuards();
    builder.AddGatewayMetrics();
    builder.AddAudit();
    builder.AddDependencyFailureHandling();
    builder.AddUpstreamClient();
    builder.AddIdentity();
    builder.AddTwoFactor();
    builder.AddAutomation();
    builder.AddTrustedPublishing();
    builder.AddSecurityKeys();
    builder.AddNpmFrontEnd();
    builder.AddStaging();
    builder.AddNpmEndpoints();
    builder.AddBrowserFrontEnd();
    builder.AddRegistryProxy();

    var app = builder.Build();
    app.ValidateGatewayOptions();
    app.LoadRoutePolicy();
    app.LoadPackageRules();
    await app.ConnectStoreAsync();
    app.WarmUpTwoFactor();
    app.UseClientAddress();
    app.UseDependencyFailureHandling();
    app.UsePublicPath();
    app.UseRouting();
    app.UseBrowserFrontEnd();
    app.UseNpmStages();
    app.MapGatewayHealth();
    app.MapGatewayMetrics();
    app.MapAuditApi();
    app.MapNpmEndpoints();
    app.MapBrowserFrontEnd();
    app.MapReverseProxy(pipeline => pipeline.UseForwardRecording()).WithMetadata(NpmRequest.Instance);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is PolicyFileException or OptionsValidationException)
{
    // Bad configuration: say what and where, without a stack trace, and refuse to start.
    Console.Error.WriteLine($"npm-2fa-gateway cannot start: {e.Message}");
    return 1;
}
