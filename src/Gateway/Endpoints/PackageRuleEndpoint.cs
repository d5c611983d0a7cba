using Gateway.Automation;
using Gateway.Http;
using Gateway.Npm;

namespace Gateway.Endpoints;

/// <summary>
/// Answers <c>npm access set mfa=none|publish|automation</c> itself (registries behind the gateway do not keep
/// such a rule: Verdaccio answers 404): only a maintainer the registry's packument lists may change it — or, where
/// the registry lists none (Verdaccio 6), a user who published the package through the gateway — and the decision
/// already demanded a second factor. Any other access change is the registry's (forwarded). The rule then applies to every write of the package (Automation/WriteRules.cs).
/// </summary>
internal sealed partial class PackageRuleEndpoint(
    PackageMaintainers packageMaintainers,
    PackageRuleBook rules,
    DecisionAudit decisions,
    ILogger<PackageRuleEndpoint> logger)
{
    public Task HandleAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Decision.Record.PackageRuleChange is { } rule && feature.Classification.Package is { } package && feature.Caller is { } caller
            ? ChangeAsync(context, package, caller.Username, rule)
            : RegistryForward.ForwardAsync(context);
    }

    private async Task ChangeAsync(HttpContext context, string package, string user, PackageMfa rule)
    {
        var maintainers = await packageMaintainers.OfAsync(package, context.Request.Headers.Authorization.ToString(), context.RequestAborted);
        if (!maintainers.Exists)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"{package} is not in this registry.");
            return;
        }

        if (!maintainers.Includes(user))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, $"Only a maintainer of {package} can change its two-factor rule.");
            return;
        }

        await rules.SetAsync(package, rule, context.RequestAborted);
        LogChanged(logger, package, rule.ToWire(), user);
        await decisions.PackageRuleChangedAsync(context.GatewayFeature(), rule.ToWire(), context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{}", context.RequestAborted);
    }

    [LoggerMessage(EventId = LogEvents.PackageRuleChanged, Level = LogLevel.Information, Message = "Two-factor rule of {Package} set to {Rule} by maintainer {User}")]
    private static partial void LogChanged(ILogger logger, string package, string rule, string user);
}
