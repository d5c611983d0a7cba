using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Policy;
using Gateway.Resilience;
using Microsoft.Extensions.Options;

namespace Gateway.Staging;

/// <summary>
/// Removes staged publishes older than <c>Gateway:Staging:MaxAge</c>, every <c>SweepInterval</c>, on every instance: the
/// store's index hands each one to exactly one of them, which records <c>stage-expired</c> naming who staged it. Lists,
/// views and approvals already treat an expired stage as gone; this frees its store space and leaves the trace.
/// </summary>
internal sealed partial class StageExpiry(StagedPublishes stages, AuditTrail audit, IOptions<StagingOptions> options, TimeProvider time, ILogger<StageExpiry> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async Task SweepAsync(CancellationToken cancellation)
    {
        try
        {
            foreach (var (id, stage) in await stages.ExpireAsync(cancellation))
            {
                LogExpired(logger, id, stage?.Package, stage?.Version, stage?.Actor);
                await audit.RecordAsync(AuditEventTypes.StageExpired, stage?.Actor, $"{stage?.Version} {id}".TrimStart(),
                    NpmAction.StagePublish.Name, stage?.Package, cancellation);
            }
        }
        catch (DependencyUnavailableException)
        {
            // The next sweep tries again; nothing is removed without its event.
            LogSweepFailed(logger);
        }
    }

    [LoggerMessage(EventId = LogEvents.StageExpired, Level = LogLevel.Information, Message = "Stage {Id} of {Package}@{Version}, staged by {Actor}, expired and was removed")]
    private static partial void LogExpired(ILogger logger, string id, string? package, string? version, string? actor);

    [LoggerMessage(EventId = LogEvents.StageSweepFailed, Level = LogLevel.Warning, Message = "The store could not answer the sweep of expired stages; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger);
}
