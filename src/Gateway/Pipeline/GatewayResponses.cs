using System.Globalization;
using System.Text.Json;
using Gateway.Resilience;

namespace Gateway.Pipeline;

/// <summary>Errors the gateway answers itself, in the shape the npm CLI prints: <c>{"error": "…"}</c>.</summary>
internal static class GatewayResponses
{
    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = message }));
    }

    /// <summary>Fail closed: 503 with <c>Retry-After</c>, when the store or the registry cannot answer.</summary>
    public static Task WriteUnavailableAsync(HttpContext context, string message)
    {
        context.Response.Headers.RetryAfter = DependencyGuard.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, message);
    }
}
