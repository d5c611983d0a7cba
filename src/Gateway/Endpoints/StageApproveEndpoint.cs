using Gateway.Http;
using Gateway.Staging;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm stage approve &lt;id&gt;</c>: <c>POST /-/stage/&lt;id&gt;/approve</c>, reached only once the decision's second
/// factor was verified. The held publish goes to the registry with the caller's own credential (<see cref="StageDecisions"/>):
/// 201 <c>{message}</c> once the registry accepted it, as npmjs answers; the registry's refusal (409: the version
/// published meanwhile, 403: no right to publish) with its status, the stage kept; 503 + <c>Retry-After</c> when the
/// registry cannot answer (<c>Errors/</c>), the stage kept.
/// </summary>
internal sealed class StageApproveEndpoint(StageCallers callers, StageDecisions decisions)
{
    public async Task HandleAsync(HttpContext context)
    {
        var caller = await callers.CallerAsync(context);
        var stage = await callers.VisibleStageAsync(context, caller, withDocument: true);
        var outcome = await decisions.ApproveAsync(stage, caller.Username, context.Request.Headers.Authorization.ToString(), context.RequestAborted);
        if (!outcome.Published)
        {
            throw new ClientInputException(outcome.Status, outcome.Message);
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        await context.Response.WriteAsJsonAsync(new { message = outcome.Message }, context.RequestAborted);
    }
}
