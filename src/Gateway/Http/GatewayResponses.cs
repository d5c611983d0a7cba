using System.Globalization;
using System.Text.Json;

namespace Gateway.Http;

/// <summary>
/// The one writer of the errors the gateway answers itself, in the shape the npm CLI prints:
/// <c>{"error": "…"}</c>, optionally with more properties (a challenge's <c>authUrl</c>/<c>doneUrl</c>).
/// </summary>
internal static class GatewayResponses
{
    public static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        WriteErrorAsync(context, status, message, extra: null);

    /// <param name="extra">Properties written after <c>error</c>, e.g. a web-OTP challenge's URLs.</param>
    public static Task WriteErrorAsync(HttpContext context, int status, string message, IReadOnlyDictionary<string, string>? extra)
    {
        var body = new Dictionary<string, string> { ["error"] = message };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            body[key] = value;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    /// <summary>An error that asks the client to come back: 429 or 503 with <c>Retry-After</c>.</summary>
    public static Task WriteRetryLaterAsync(HttpContext context, int status, TimeSpan retryAfter, string message)
    {
        SetRetryAfter(context, retryAfter);
        return WriteErrorAsync(context, status, message);
    }

    /// <summary>Fail closed: 503 with <c>Retry-After</c>, when the store or the registry cannot answer.</summary>
    public static Task WriteUnavailableAsync(HttpContext context, TimeSpan retryAfter, string message) =>
        WriteRetryLaterAsync(context, StatusCodes.Status503ServiceUnavailable, retryAfter, message);

    public static void SetRetryAfter(HttpContext context, TimeSpan retryAfter) =>
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
