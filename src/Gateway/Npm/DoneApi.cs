using Gateway.Http;
using Gateway.TwoFactor;

namespace Gateway.Npm;

/// <summary>
/// <c>GET /-/gateway/done/{id}</c>, polled by npm and pnpm (docs/PROTOCOL.md#41-web-otp): 202 with
/// <c>Retry-After</c> while the user is in the browser, <c>200 {"token"}</c> once, then 404. Works
/// without Authorization (pnpm sends none): the unguessable id is the capability.
/// </summary>
internal static class DoneApi
{
    public static IEndpointRouteBuilder MapBrowserFlowDone(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(GatewayUrls.DoneRoute, PollAsync);
        return endpoints;
    }

    private static async Task PollAsync(string doneId, HttpContext context, BrowserFlowStore flows)
    {
        context.Response.Headers.CacheControl = "no-store";
        var (known, result) = await flows.TakeResultAsync(doneId, context.RequestAborted);
        if (result is not null)
        {
            await context.Response.WriteAsJsonAsync(new { token = result });
        }
        else if (known)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync(new { status = "pending" });
        }
        else
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "This authentication request is unknown, has expired, or its token was already collected.");
        }
    }
}
