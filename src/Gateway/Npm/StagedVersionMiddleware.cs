using Gateway.Http;
using Gateway.Policy;
using Gateway.Staging;

namespace Gateway.Npm;

/// <summary>
/// A direct publish (<c>PUT /&lt;name&gt;</c>) of a version a stage holds is refused 409, as npmjs refuses it, naming the
/// stage to approve or reject (docs/ARCHITECTURE.md, "Staged publishes"). On the proxy route, after the decision (only a
/// caller allowed to publish learns that a version is staged): one store command for the package's staged versions,
/// and only when a live stage holds one is the body buffered and its version keys read. Reads never come here; an
/// approval's own publish (<see cref="RegistryForward"/>, action <c>stage-approve</c>) is not a direct publish.
/// </summary>
internal sealed partial class StagedVersionMiddleware(RequestDelegate next, StagedPublishes stages, ApprovalBodies bodies, ILogger<StagedVersionMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Classification.Action == NpmAction.Publish && HttpMethods.IsPut(context.Request.Method)
            && feature.Classification.Package is { } package && string.Join('/', feature.Path.Segments) == package
            ? CheckAsync(context, package)
            : next(context);
    }

    private async Task CheckAsync(HttpContext context, string package)
    {
        var held = await stages.HeldVersionsAsync(package, context.RequestAborted);
        if (held.Count == 0)
        {
            await next(context);
            return;
        }

        // Buffered like a web approval's body (memory, then a temporary file), read, and rewound for YARP.
        if (BodyEncoding.Check(context.Request) is { } unreadable)
        {
            await GatewayResponses.WriteErrorAsync(context, unreadable.ProblemStatus, unreadable.Problem!);
            return;
        }

        if (await bodies.ReadAsync(context, summarise: true) is not { Summary: { } summary })
        {
            return; // answered (413, 408)
        }

        if (!summary.Readable || summary.VersionCount > (summary.Versions?.Count ?? 0))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                $"{package} has staged versions, and this publish document cannot be checked against them (not JSON, or too many versions).");
            return;
        }

        foreach (var version in summary.Versions ?? [])
        {
            if (held.TryGetValue(version.Version, out var stage))
            {
                LogRefused(logger, package, version.Version, stage);
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status409Conflict,
                    $"{package}@{version.Version} is staged (stage {stage}): approve it with `npm stage approve {stage}` or reject it with `npm stage reject {stage}`; it cannot also be published directly.");
                return;
            }
        }

        await next(context);
    }

    [LoggerMessage(EventId = LogEvents.StagedVersionPublishRefused, Level = LogLevel.Information, Message = "Direct publish of {Package}@{Version} refused (409): stage {StageId} holds it")]
    private static partial void LogRefused(ILogger logger, string package, string version, string stageId);
}
