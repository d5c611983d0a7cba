using Gateway.Audit;
using Gateway.Staging;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm stage reject &lt;id&gt;</c>: <c>DELETE /-/stage/&lt;id&gt;</c>, reached only once the decision's second factor was
/// verified. The one who staged it (withdrawing it) or a maintainer of the package — whoever may see it — removes it for
/// good: 204, as npmjs answers.
/// </summary>
internal sealed partial class StageRejectEndpoint(StageCallers callers, StagedPublishes stages, AuditTrail audit, ILogger<StageRejectEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var caller = await callers.CallerAsync(context);
        var stage = await callers.VisibleStageAsync(context, caller);
        if (await stages.RemoveAsync(stage, context.RequestAborted))
        {
            LogRejected(logger, stage.Id, stage.Package, stage.Version, stage.Actor, caller.Username);
            await audit.RecordAsync(AuditEventTypes.StageRejected, caller.Username, $"{stage.Version} {stage.Id} staged-by:{stage.Actor}",
                Policy.NpmAction.StageReject.Name, stage.Package, context.RequestAborted);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    [LoggerMessage(EventId = LogEvents.StageRejected, Level = LogLevel.Information, Message = "Stage {Id}: {Package}@{Version}, staged by {Actor}, rejected by {User}")]
    private static partial void LogRejected(ILogger logger, string id, string package, string version, string actor, string user);
}
