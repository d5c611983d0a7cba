using Gateway.Staging;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm stage reject &lt;id&gt;</c>: <c>DELETE /-/stage/&lt;id&gt;</c>, reached only once the decision's second factor was
/// verified. The one who staged it (withdrawing it) or a maintainer of the package — whoever may see it — removes it for
/// good (<see cref="StageDecisions"/>): 204, as npmjs answers.
/// </summary>
internal sealed class StageRejectEndpoint(StageCallers callers, StageDecisions decisions)
{
    public async Task HandleAsync(HttpContext context)
    {
        var caller = await callers.CallerAsync(context);
        var stage = await callers.VisibleStageAsync(context, caller);
        await decisions.RejectAsync(stage, caller.Username, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
