using System.Text.Json;
using Gateway.Configuration;
using Gateway.Http;
using Gateway.TwoFactor;
using Microsoft.Extensions.Options;

namespace Gateway.Endpoints;

/// <summary>
/// <c>POST /-/v1/login</c> (npm ≥ 9's default web login, docs/PROTOCOL.md#42-web-login), answered by the gateway:
/// <c>{loginUrl, doneUrl}</c>; the login page checks the password against the registry and the second
/// factor, and the done URL hands the CLI the registry's token. <c>npm adduser</c>
/// (<c>{"create": true}</c>) and a gateway configured without web login answer 404, which npm (and
/// pnpm) take as "use the couch login" — that path is 2FA-protected by the route policy.
/// </summary>
internal sealed class WebLoginEndpoint(BrowserFlowStore flows, BrowserFlowUrls urls, FlowCreationLimits limits, IOptions<GatewayOptions> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        var asksToCreate = await AsksToCreateAccountAsync(context.Request);
        if (asksToCreate is null)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status408RequestTimeout, SmallBody.TimedOutMessage(SmallBody.Timeout(context)));
            return;
        }

        if (!options.Value.WebLogin || asksToCreate == true)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Web login is not offered here; use npm login --auth-type=legacy.");
            return;
        }

        // Nobody is identified yet (that is what the flow is for): limit per client network instead.
        if (await limits.TryStartWebLoginAsync(context.Connection.RemoteIpAddress, context.RequestAborted) is { } retryAfter)
        {
            await GatewayResponses.WriteRetryLaterAsync(context, StatusCodes.Status429TooManyRequests, retryAfter,
                $"Too many logins started from this address. Try again in {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds.");
            return;
        }

        var (flowId, doneId) = await flows.CreateAsync(FlowKind.Login, null, Policy.NpmAction.Login.Name, null, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { loginUrl = urls.Login(flowId), doneUrl = urls.Done(doneId) });
    }

    /// <returns>Null: the body did not arrive within <see cref="MemoryOptions.SmallBodyTimeout"/>.</returns>
    private static async Task<bool?> AsksToCreateAccountAsync(HttpRequest request)
    {
        if (request.ContentLength is null or 0 or > 4096)
        {
            return false;
        }

        // Read like every small body the gateway reads itself: held by nobody until complete, and in time.
        var timeout = SmallBody.Timeout(request.HttpContext);
        var (outcome, bytes) = await SmallBody.ReadAsync(request, 4096, timeout, request.HttpContext.RequestAborted);
        if (outcome == SmallBody.Outcome.TimedOut)
        {
            return null;
        }

        if (outcome != SmallBody.Outcome.Read)
        {
            return false;
        }

        try
        {
            using var body = JsonDocument.Parse(bytes);
            return body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("create", out var create) && create.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
