using System.Text.Json;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Proxy;
using Gateway.Resilience;
using Gateway.Store;

namespace Gateway.Staging;

/// <summary>
/// What approving and rejecting a staged publish do, once a second factor was verified and the stage is known to be
/// visible to the person deciding — for npm's stage API (<c>Endpoints/StageApproveEndpoint</c>, <c>StageRejectEndpoint</c>)
/// and the "Staged releases" page alike, so both have the same outcomes and audit events.
/// </summary>
/// <remarks>
/// Approving sends the held publish to the registry as <c>PUT /&lt;name&gt;</c> with the <em>approver's</em> own credential,
/// so the registry's publish rights decide; the stage is removed only when the registry accepted it. The registry
/// refusing it — the version published meanwhile (409), no right to publish (403) — keeps the stage; a registry that
/// cannot answer (refused connection, timeout, 5xx) throws <see cref="DependencyUnavailableException"/> (503 +
/// <c>Retry-After</c>, <c>Errors/</c>), the stage kept.
/// </remarks>
internal sealed partial class StageDecisions(
    StagedPublishes stages,
    IHttpClientFactory clients,
    RegistryUris registryUris,
    RegistryPackuments packuments,
    PackageRuleBook rules,
    AuditTrail audit,
    ILogger<StageDecisions> logger)
{
    /// <param name="authorization">The approver's own <c>Authorization</c> for the registry; used for this publish only, never kept.</param>
    /// <exception cref="DependencyUnavailableException">The registry cannot answer; the stage is kept.</exception>
    public async Task<ApprovalOutcome> ApproveAsync(StoredStage stage, string approver, string authorization, CancellationToken cancellation)
    {
        var (status, error) = await PublishAsync(stage, authorization, cancellation);
        if (status is >= 200 and < 300 || (status == StatusCodes.Status409Conflict && await PublishedAlreadyAsync(stage, authorization, cancellation)))
        {
            await AcceptedAsync(stage, approver, cancellation);
            return new ApprovalOutcome(StatusCodes.Status201Created, "Package version approved and published successfully.");
        }

        LogRefused(logger, stage.Id, stage.Package, stage.Version, approver, status, error);
        return new ApprovalOutcome(status, status == StatusCodes.Status409Conflict
            ? $"{stage.Package}@{stage.Version} is already published: the registry refused the staged publish, which stays staged ({error})."
            : $"The registry refused to publish {stage.Package}@{stage.Version} with your credentials ({status}: {error}); it stays staged.");
    }

    /// <summary>Removes the stage for good; the one who removed it (on any instance) records it.</summary>
    public async Task RejectAsync(StoredStage stage, string rejecter, CancellationToken cancellation)
    {
        if (await stages.RemoveAsync(stage, cancellation))
        {
            LogRejected(logger, stage.Id, stage.Package, stage.Version, stage.Actor, rejecter);
            await audit.RecordAsync(AuditEventTypes.StageRejected, rejecter, $"{stage.Version} {stage.Id} staged-by:{stage.Actor}",
                Policy.NpmAction.StageReject.Name, stage.Package, cancellation);
        }
    }

    private async Task AcceptedAsync(StoredStage stage, string approver, CancellationToken cancellation)
    {
        // Whoever removes it (one instance, even if two approvals raced) records it; the publish itself happened once, at the registry.
        if (await stages.RemoveAsync(stage, cancellation))
        {
            LogApproved(logger, stage.Id, stage.Package, stage.Version, stage.Actor, approver);
            await audit.RecordAsync(AuditEventTypes.StageApproved, approver, $"{stage.Version} {stage.Id} staged-by:{stage.Actor}",
                Policy.NpmAction.StageApprove.Name, stage.Package, cancellation);
        }

        // As for a direct publish (Npm/PublisherLedgerMiddleware): the publishers of a package whose registry lists no maintainers.
        await rules.AddPublisherAsync(stage.Package, approver, cancellation);
    }

    /// <summary>The registry's status and its error text; a registry that cannot answer (refused connection, timeout, 5xx) throws 503.</summary>
    private async Task<(int Status, string Error)> PublishAsync(StoredStage stage, string authorization, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, registryUris.For("/" + stage.Package.Replace("/", "%2f", StringComparison.Ordinal)))
        {
            Content = stages.PublishDocument(stage),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        try
        {
            using var response = await clients.CreateClient(StagingRegistration.PublishClient)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                throw new HttpRequestException($"the registry answered {status}", null, response.StatusCode);
            }

            return (status, status is >= 200 and < 300 ? "" : await ErrorOfAsync(response, cancellation));
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellation.IsCancellationRequested))
        {
            LogUnavailable(logger, stage.Id, e.GetType().Name);
            throw new DependencyUnavailableException(ResilienceRegistration.RegistryName, e);
        }
    }

    /// <summary>
    /// A 409 after an approval whose publish got through but whose removal did not (an instance stopped in between): the
    /// registry has this very tarball, so the approval is done. Any other tarball under the version is another publish.
    /// </summary>
    private async Task<bool> PublishedAlreadyAsync(StoredStage stage, string authorization, CancellationToken cancellation)
    {
        var (_, packument) = await packuments.ReadAsync(stage.Package, authorization, cancellation);
        using (packument)
        {
            return packument is not null
                && string.Equals(RegistryPackuments.Shasum(packument.RootElement, stage.Version, out _), Shasum(stage), StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string Shasum(StoredStage stage)
    {
        using var item = JsonDocument.Parse(stage.Item);
        return item.RootElement.GetProperty("shasum").GetString()!;
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        var text = await response.Content.ReadAsStringAsync(cancellation);
        try
        {
            using var json = JsonDocument.Parse(text);
            foreach (var key in new[] { "error", "message", "reason" })
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return Bounded(value.GetString()!);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: its text, bounded.
        }

        return Bounded(text);
    }

    private static string Bounded(string text) => text.Length <= 300 ? text : text[..300] + "…";

    [LoggerMessage(EventId = LogEvents.StageApproved, Level = LogLevel.Information, Message = "Stage {Id}: {Package}@{Version}, staged by {Actor}, approved by {User} and published")]
    private static partial void LogApproved(ILogger logger, string id, string package, string version, string actor, string user);

    [LoggerMessage(EventId = LogEvents.StageApproveRefusedByRegistry, Level = LogLevel.Information, Message = "Stage {Id}: the registry refused {Package}@{Version} approved by {User} with {Status} ({Error}); kept")]
    private static partial void LogRefused(ILogger logger, string id, string package, string version, string user, int status, string error);

    [LoggerMessage(EventId = LogEvents.StageApproveRegistryUnavailable, Level = LogLevel.Warning, Message = "Stage {Id}: the registry could not take the approved publish ({Failure}); kept")]
    private static partial void LogUnavailable(ILogger logger, string id, string failure);

    [LoggerMessage(EventId = LogEvents.StageRejected, Level = LogLevel.Information, Message = "Stage {Id}: {Package}@{Version}, staged by {Actor}, rejected by {User}")]
    private static partial void LogRejected(ILogger logger, string id, string package, string version, string actor, string user);
}

/// <param name="Status">201 when the registry published it (the stage is gone); otherwise the registry's refusal (the stage is kept).</param>
/// <param name="Message">The words for the approver, as npm prints them.</param>
internal readonly record struct ApprovalOutcome(int Status, string Message)
{
    public bool Published => Status == StatusCodes.Status201Created;
}
