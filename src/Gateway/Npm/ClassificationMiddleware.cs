using Gateway.Http;
using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// Stage 1: names the npm action of the request and the second factor it needs, from the route policy.
/// Synchronous unless a rule needs to look at a small JSON body.
/// </summary>
internal sealed partial class ClassificationMiddleware(RequestDelegate next, RoutePolicyProvider policies, ILogger<ClassificationMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var policy = policies.Current;
        var rawTarget = Proxy.RawTargetTransform.RawOriginTarget(context);
        if (rawTarget is null || !TargetSyntax.IsPlain(rawTarget))
        {
            return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                "The request target has characters npm never sends unencoded (such as \\, # or spaces); the gateway does not forward it.");
        }

        var path = RequestPath.Parse(rawTarget);
        if (path.HasDotSegments)
        {
            return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The request path has '.' or '..' segments; npm never sends them and the gateway does not forward them.");
        }

        var classification = policy.Classify(context.Request.Method, path, RequestBody.NotRead, out var needsBody);
        if (classification is null)
        {
            return ClassifyWithBodyAsync(context, policy, rawTarget, path);
        }

        Accept(context, rawTarget, path, classification);
        return next(context);
    }

    private async Task ClassifyWithBodyAsync(HttpContext context, RoutePolicy policy, string rawTarget, RequestPath path)
    {
        var body = await BodyReader.ReadSmallJsonAsync(context.Request, policy.MaxBodyBytes, context.RequestAborted);
        if (body.State == RequestBodyState.Unreadable)
        {
            // A body rule could lower the class: never decide on a body the registry may read differently.
            LogBodyRefused(logger, context.Request.Method, SafePath.For(path), body.Problem!);
            await GatewayResponses.WriteErrorAsync(context, body.ProblemStatus, body.Problem!);
            return;
        }

        var classification = policy.Classify(context.Request.Method, path, body, out _)!;
        Accept(context, rawTarget, path, classification);
        if (body.State == RequestBodyState.Parsed)
        {
            context.GatewayFeature().Body = body.Json;
        }

        await next(context);
    }

    private void Accept(HttpContext context, string rawTarget, RequestPath path, RequestClassification classification)
    {
        context.Features.Set(new GatewayRequestFeature { Classification = classification, Path = path, RawTarget = rawTarget });
        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogClassified(logger, context.Request.Method, SafePath.For(path), classification.Action.Name, classification.Package, classification.Class, classification.Rule);
        }
    }

    [LoggerMessage(EventId = LogEvents.RequestBodyRefused, Level = LogLevel.Warning, Message = "{Method} {Path} refused: its body cannot be read as the registry would ({Problem})")]
    private static partial void LogBodyRefused(ILogger logger, string method, string path, string problem);

    [LoggerMessage(EventId = LogEvents.RequestClassified, Level = LogLevel.Debug, Message = "{Method} {Path} classified as {Action} of {Package}: class {Class} by {Rule}")]
    private static partial void LogClassified(ILogger logger, string method, string path, string action, string? package, ProtectionClass @class, string rule);
}
