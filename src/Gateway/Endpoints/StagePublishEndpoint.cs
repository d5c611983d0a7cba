using System.Text.Json;
using Gateway.Audit;
using Gateway.Http;
using Gateway.Npm;
using Gateway.Proxy;
using Gateway.Staging;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm stage publish</c>: <c>POST /-/stage/package/&lt;name&gt;</c> with the publish document <c>npm publish</c> would
/// PUT. Never asks for a code (npm does not wrap it in <c>otplease</c>; the decision forwards class none), but needs an
/// account the registry knows. The document is read as it streams into the store and checked as a registry checks a
/// publish (<see cref="StagedDocument"/>); the version must be neither in the registry, read with the caller's own
/// credential, nor staged already (409). Answers 201 <c>{message, stageId}</c>, as npmjs does.
/// </summary>
internal sealed partial class StagePublishEndpoint(
    StageCallers callers, StagedPublishes stages, RegistryPackuments packuments, AuditTrail audit, ILogger<StagePublishEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var package = context.GatewayFeature().Classification.Package
            ?? throw new ClientInputException(StatusCodes.Status404NotFound, "A staged publish names its package: POST /-/stage/package/<name>.");
        var caller = await callers.CallerAsync(context);
        CheckShape(context.Request, stages.MaxBodyBytes);
        if (!await stages.HasRoomAsync(context.RequestAborted))
        {
            // Not the client's fault, and not one to retry at once (npm retries a 429 with the whole body): 507.
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status507InsufficientStorage,
                "This gateway holds as many staged publishes as it may (Gateway:Staging:MaxItems): approve or reject some first.");
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // The proxy route's limit (Gateway:MaxPublishBytes) is not this endpoint's: a stage holds up to Gateway:Staging's.
            limit.MaxRequestBodySize = stages.MaxBodyBytes;
        }

        var id = StagedPublishes.NewId();
        var (publish, body) = await stages.ReceiveAsync(id, context.Request.Body, package, context.RequestAborted);
        try
        {
            await RefuseIfPublishedAsync(context, publish);
        }
        catch
        {
            await stages.DiscardAsync(id, body);
            throw;
        }

        var item = await stages.KeepAsync(id, publish, body, caller, context.RequestAborted);
        LogStaged(logger, id, publish.Package, publish.Version, publish.Tag, body.TarballLength, caller.Username);
        await audit.RecordAsync(AuditEventTypes.Staged, caller.Username, $"{publish.Version} {id}", Policy.NpmAction.StagePublish.Name, publish.Package, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status201Created;
        await context.Response.WriteAsJsonAsync(new { message = "Package version staged successfully.", stageId = item.Id }, context.RequestAborted);
    }

    /// <summary>Decided on the registry's bytes (docs/ARCHITECTURE.md, "Invariants"): JSON in UTF-8, not compressed, within the limit.</summary>
    private static void CheckShape(HttpRequest request, long maxBody)
    {
        if (request.Headers.ContentEncoding.Any(e => !string.Equals(e, "identity", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ClientInputException(StatusCodes.Status415UnsupportedMediaType, "A staged publish must be sent without Content-Encoding.");
        }

        if (request.ContentType is { } type && (!type.Contains("json", StringComparison.OrdinalIgnoreCase)
            || (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media) && media.Charset.HasValue
                && !string.Equals(media.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase))))
        {
            throw new ClientInputException(StatusCodes.Status415UnsupportedMediaType, "A staged publish is a JSON document in UTF-8 (Content-Type: application/json).");
        }

        if (request.ContentLength > maxBody)
        {
            throw new ClientInputException(StatusCodes.Status413PayloadTooLarge,
                $"The publish is larger than this gateway stages ({maxBody} bytes with the tarball's base64; Gateway:Staging:MaxTarballBytes).");
        }
    }

    /// <summary>409 when the registry already has the version, asked with the caller's own credential; a package it does not have (404) is new.</summary>
    private async Task RefuseIfPublishedAsync(HttpContext context, StagedPublish publish)
    {
        var (status, packument) = await packuments.ReadAsync(publish.Package, context.Request.Headers.Authorization.ToString(), context.RequestAborted);
        using (packument)
        {
            if (status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
            {
                throw new ClientInputException(status, $"The registry does not show you {publish.Package} ({status}), so you cannot stage a version of it.");
            }

            if (packument is not null)
            {
                RegistryPackuments.Shasum(packument.RootElement, publish.Version, out var exists);
                if (exists)
                {
                    throw new ClientInputException(StatusCodes.Status409Conflict, $"{publish.Package}@{publish.Version} is already published: a version is published once.");
                }
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.Staged, Level = LogLevel.Information, Message = "Stage {Id}: {Package}@{Version} (tag {Tag}, {Bytes} bytes) staged by {User}")]
    private static partial void LogStaged(ILogger logger, string id, string package, string version, string tag, long bytes, string user);
}
