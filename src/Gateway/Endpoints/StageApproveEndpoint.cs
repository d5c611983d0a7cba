using System.Text.Json;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Proxy;
using Gateway.Resilience;
using Gateway.Staging;
using Gateway.Store;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm stage approve &lt;id&gt;</c>: <c>POST /-/stage/&lt;id&gt;/approve</c>, reached only once the decision's second
/// factor was verified. Sends the held publish to the registry as <c>PUT /&lt;name&gt;</c> with the <em>approver's</em> own
/// credential, so the registry's publish rights decide; the stage is removed only when the registry accepted it (201
/// <c>{message}</c>, as npmjs answers). The registry refusing it — the version published meanwhile (409), no right to
/// publish (403) — is answered with its status and the stage kept; a registry that cannot answer gives 503 +
/// <c>Retry-After</c> (<c>Errors/</c>), the stage kept.
/// </summary>
internal sealed partial class StageApproveEndpoint(
    StageCallers callers,
    StagedPublishes stages,
    IHttpClientFactory clients,
    RegistryUris registryUris,
    RegistryPackuments packuments,
    PackageRuleBook rules,
    AuditTrail audit,
    ILogger<StageApproveEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var caller = await callers.CallerAsync(context);
        var stage = await callers.VisibleStageAsync(context, caller, withDocument: true);
        var (status, error) = await PublishAsync(context, stage);
        if (status is >= 200 and < 300 || (status == StatusCodes.Status409Conflict && await PublishedAlreadyAsync(context, stage)))
        {
            await AcceptedAsync(context, stage, caller);
            return;
        }

        LogRefused(logger, stage.Id, stage.Package, stage.Version, caller.Username, status, error);
        throw new ClientInputException(status, status == StatusCodes.Status409Conflict
            ? $"{stage.Package}@{stage.Version} is already published: the registry refused the staged publish, which stays staged ({error})."
            : $"The registry refused to publish {stage.Package}@{stage.Version} with your credentials ({status}: {error}); it stays staged.");
    }

    private async Task AcceptedAsync(HttpContext context, StoredStage stage, CallerIdentity caller)
    {
        // Whoever removes it (one instance, even if two approvals raced) records it; the publish itself happened once, at the registry.
        if (await stages.RemoveAsync(stage, context.RequestAborted))
        {
            LogApproved(logger, stage.Id, stage.Package, stage.Version, stage.Actor, caller.Username);
            await audit.RecordAsync(AuditEventTypes.StageApproved, caller.Username, $"{stage.Version} {stage.Id} staged-by:{stage.Actor}",
                Policy.NpmAction.StageApprove.Name, stage.Package, context.RequestAborted);
        }

        // As for a direct publish (Npm/PublisherLedgerMiddleware): the publishers of a package whose registry lists no maintainers.
        await rules.AddPublisherAsync(stage.Package, caller.Username, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status201Created;
        await context.Response.WriteAsJsonAsync(new { message = "Package version approved and published successfully." }, context.RequestAborted);
    }

    /// <summary>The registry's status and its error text; a registry that cannot answer (refused connection, timeout, 5xx) throws 503.</summary>
    private async Task<(int Status, string Error)> PublishAsync(HttpContext context, StoredStage stage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, registryUris.For("/" + stage.Package.Replace("/", "%2f", StringComparison.Ordinal)))
        {
            Content = stages.PublishDocument(stage),
        };
        request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        try
        {
            using var response = await clients.CreateClient(StagingRegistration.PublishClient)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                throw new HttpRequestException($"the registry answered {status}", null, response.StatusCode);
            }

            return (status, status is >= 200 and < 300 ? "" : await ErrorOfAsync(response, context.RequestAborted));
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            LogUnavailable(logger, stage.Id, e.GetType().Name);
            throw new DependencyUnavailableException(ResilienceRegistration.RegistryName, e);
        }
    }

    /// <summary>
    /// A 409 after an approval whose publish got through but whose removal did not (an instance stopped in between): the
    /// registry has this very tarball, so the approval is done. Any other tarball under the version is another publish.
    /// </summary>
    private async Task<bool> PublishedAlreadyAsync(HttpContext context, StoredStage stage)
    {
        var (_, packument) = await packuments.ReadAsync(stage.Package, context.Request.Headers.Authorization.ToString(), context.RequestAborted);
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
}
