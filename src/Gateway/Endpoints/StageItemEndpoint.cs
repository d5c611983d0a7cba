using Gateway.Npm;
using Gateway.Policy;
using Gateway.Staging;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm stage view &lt;id&gt;</c> (<c>GET /-/stage/&lt;id&gt;</c>: the list's item) and <c>npm stage download &lt;id&gt;</c>
/// (<c>GET /-/stage/&lt;id&gt;/tarball</c>: the tarball as it was staged, streamed from the store's chunks), for whoever may
/// see the stage; anyone else, and any id that is malformed, unknown or expired, gets the same 404.
/// </summary>
internal sealed class StageItemEndpoint(StageCallers callers, StagedPublishes stages)
{
    public static readonly NpmAction[] Actions = [NpmAction.StageView, NpmAction.StageTarball];

    public async Task HandleAsync(HttpContext context)
    {
        var caller = await callers.CallerAsync(context);
        var stage = await callers.VisibleStageAsync(context, caller);
        context.Response.Headers.CacheControl = "no-store";
        if (context.GatewayFeature().Classification.Action == NpmAction.StageTarball)
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = stage.TarballLength;
            await stages.CopyTarballAsync(stage, context.Response.Body, context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(stage.Item, context.RequestAborted);
    }
}
