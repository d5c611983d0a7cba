using Gateway.Http;
using Gateway.Npm;
using Gateway.TwoFactor;

namespace Gateway.Endpoints;

/// <summary>
/// <c>GET /-/gateway/done/{id}</c>, polled by npm and pnpm (docs/PROTOCOL.md#41-web-otp): 202 with
/// <c>Retry-After</c> while the user is in the browser, <c>200 {"token"}</c> once, then 410. Works
/// without Authorization (pnpm sends none): the unguessable id is the capability.
/// </summary>
/// <remarks>
/// An expired or unknown flow gets 410 Gone with a JSON error that says so: npm and Bun stop polling on any
/// status but 200/202 and print the error, and Bun turns a 404 into "does not exist in this registry"
/// (docs/PROTOCOL.md#41-web-otp).
/// </remarks>
internal static class DoneEndpoint
{
    internal const string ExpiredMessage =
        "The approval expired: nobody approved this request in the browser in time (or its token was already collected). Run the command again.";

    public static IEndpointRouteBuilder MapBrowserFlowDone(this IEndpointRouteBuilder endpoints)
    {
        // An npm request like the others (Npm/NpmStages.cs): classified and decided (a read) before it is answered.
        endpoints.MapGet(GatewayUrls.DoneRoute, PollAsync).WithMetadata(NpmRequest.Instance);
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
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status410Gone, ExpiredMessage);
        }
    }
}
