using System.Text.Json;

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
}
