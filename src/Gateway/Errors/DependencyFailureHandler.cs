using Gateway.Browser;
using Gateway.Http;
using Gateway.Npm;
using Gateway.Policy;
using Gateway.Resilience;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using static Gateway.Browser.PageResults;

namespace Gateway.Errors;

/// <summary>
/// The one place "the store or the registry cannot answer" becomes a response, for the gateway's endpoints
/// and the proxy pipeline's stages alike: 503 with <c>Retry-After</c> (README.md, "Two-factor authentication for
/// operators": protected requests fail closed), a JSON <c>error</c> the npm CLI prints, or an HTML page for
/// the gateway's pages (<see cref="GatewayPage"/> metadata). Handlers and stages let the exception through.
/// npm falls back to the couch login on a 500 from <c>POST /-/v1/login</c>, not on a 503: the CLI says so plainly.
/// </summary>
internal sealed partial class DependencyFailureHandler(IOptions<ResilienceOptions> options, ILogger<DependencyFailureHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is UpstreamRefusedException refused)
        {
            await RefusedAsync(context, refused);
            return true;
        }

        if (exception is not DependencyUnavailableException unavailable)
        {
            return false;
        }

        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        LogUnavailable(logger, unavailable.Dependency, context.Request.Method, Where(context, endpoint), unavailable.InnerException?.GetType().Name);
        var message = $"The 2FA gateway cannot reach {unavailable.Dependency} right now; try again shortly.";
        if (endpoint?.Metadata.GetMetadata<GatewayPage>() is not null)
        {
            // Retry-After: the breakers' break duration, the earliest a retry can meet a closed circuit.
            GatewayResponses.SetRetryAfter(context, options.Value.BreakerDuration);
            await ErrorPage("Try again shortly", message, StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        }
        else
        {
            context.Response.Headers.CacheControl = "no-store";
            await GatewayResponses.WriteUnavailableAsync(context, options.Value.BreakerDuration, message);
        }

        return true;
    }

    /// <summary>
    /// The registry refused the request itself (431 for oversized headers, 429 for its rate limit): the client's
    /// fault, answered with the registry's status and <c>Retry-After</c>, in the JSON npm prints or as a page.
    /// </summary>
    private async Task RefusedAsync(HttpContext context, UpstreamRefusedException refused)
    {
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        if (refused.Status == StatusCodes.Status429TooManyRequests)
        {
            LogRateLimited(logger, refused.Call, context.Request.Method, Where(context, endpoint));
        }
        else
        {
            LogRefused(logger, refused.Call, refused.Status, context.Request.Method, Where(context, endpoint));
        }

        context.Response.Headers.CacheControl = "no-store";
        if (refused.RetryAfter is { } retryAfter)
        {
            GatewayResponses.SetRetryAfter(context, retryAfter);
        }

        if (endpoint?.Metadata.GetMetadata<GatewayPage>() is not null)
        {
            await ErrorPage("Request refused", refused.ClientMessage, refused.Status).ExecuteAsync(context);
        }
        else
        {
            await GatewayResponses.WriteErrorAsync(context, refused.Status, refused.ClientMessage);
        }
    }

    /// <summary>Never the raw URL: npm logout carries its token in the path, and flow ids are capabilities.</summary>
    private static string Where(HttpContext context, Endpoint? endpoint) =>
        context.Features.Get<GatewayRequestFeature>() is { } feature
            ? SafePath.For(feature.Path)
            : (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint?.DisplayName ?? "(no endpoint)";

    [LoggerMessage(EventId = LogEvents.DependencyUnavailable, Level = LogLevel.Warning, Message = "Dependency unavailable: {Dependency} ({Failure}); {Method} {Where} answered 503")]
    private static partial void LogUnavailable(ILogger logger, string dependency, string method, string where, string? failure);

    [LoggerMessage(EventId = LogEvents.RegistryRefusedCall, Level = LogLevel.Debug, Message = "The registry refused the gateway's {Call} with {Status} (the request's own fault, not counted as a failure); {Method} {Where} answered {Status}")]
    private static partial void LogRefused(ILogger logger, string call, int status, string method, string where);

    [LoggerMessage(EventId = LogEvents.RegistryRateLimited, Level = LogLevel.Warning, Message = "The registry rate-limited the gateway's {Call} (429); {Method} {Where} answered 429. Behind the gateway the registry's per-address limit is shared by every client unless it trusts X-Forwarded-For")]
    private static partial void LogRateLimited(ILogger logger, string call, string method, string where);
}
