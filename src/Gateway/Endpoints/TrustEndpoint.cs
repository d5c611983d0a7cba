using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Http;
using Gateway.Npm;
using Gateway.Policy;
using Gateway.TrustedPublishing;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm trust github|gitlab|circleci|list|revoke</c>: <c>GET</c> and <c>POST /-/package/&lt;pkg&gt;/trust</c> and
/// <c>DELETE /-/package/&lt;pkg&gt;/trust/&lt;id&gt;</c>, answered by the gateway (registries behind it keep no trust
/// configuration) and stored where every instance reads them. The decision already demanded a second factor and refused
/// bypass-2FA and trusted-publishing tokens (TwoFactor/RequestDecider.cs); here only a maintainer of the package (as the
/// registry lists them, read with the caller's credential: <see cref="PackageMaintainers"/>) may read or change it.
/// One configuration per package: a second POST is 409 (npm: revoke, then create).
/// </summary>
internal sealed partial class TrustEndpoint(
    PackageMaintainers maintainers, TrustBook trust, RoutePolicyProvider policies, AuditTrail audit, ILogger<TrustEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        if (feature.Classification.Package is not { } package || feature.Caller is not { } caller)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "A trust request names a package.");
            return;
        }

        var found = await maintainers.OfAsync(package, context.Request.Headers.Authorization.ToString(), context.RequestAborted);
        if (!found.Exists)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"{package} is not in this registry.");
            return;
        }

        if (!found.Includes(caller.Username))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden,
                $"2fa required or insufficient permissions: only a maintainer of {package} can manage its trusted publishers.");
            return;
        }

        var request = context.Request;
        if (HttpMethods.IsGet(request.Method))
        {
            var configuration = await trust.GetAsync(package, context.RequestAborted);
            await WriteJsonAsync(context, StatusCodes.Status200OK, configuration is null ? new JsonArray() : new JsonArray(configuration.ToJson()));
        }
        else if (HttpMethods.IsDelete(request.Method))
        {
            await RevokeAsync(context, package, caller.Username, feature.Path.Segments[^1]);
        }
        else
        {
            await CreateAsync(context, package, caller.Username);
        }
    }

    private async Task CreateAsync(HttpContext context, string package, string user)
    {
        var body = await BodyReader.ReadOnceAsync(context, policies.Current.MaxBodyBytes);
        if (body.State == RequestBodyState.Unreadable)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ProblemStatus, body.Problem!);
            return;
        }

        // npm sends an array; npmjs keeps one configuration per package.
        if (body.State != RequestBodyState.Parsed || body.Json.ValueKind != JsonValueKind.Array || body.Json.GetArrayLength() != 1)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The body must be an array of one trust configuration.");
            return;
        }

        if (TrustConfiguration.Parse(body.Json[0], Guid.NewGuid().ToString(), out var problem) is not { } configuration)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid trust configuration: " + problem);
            return;
        }

        if (!await trust.CreateAsync(package, configuration, context.RequestAborted))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status409Conflict,
                $"{package} already has a trusted publisher: revoke it first (npm trust revoke {package} --id <id>).");
            return;
        }

        LogChanged(logger, package, "created " + configuration.Id, user);
        await audit.RecordAsync(AuditEventTypes.TrustChanged, user, "created " + configuration.Id + " " + configuration.Type.ToWire(), NpmAction.Trust.Name, package, context.RequestAborted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonArray(configuration.ToJson()));
    }

    private async Task RevokeAsync(HttpContext context, string package, string user, string id)
    {
        if (!await trust.DeleteAsync(package, id, context.RequestAborted))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"{package} has no trusted publisher with that id.");
            return;
        }

        LogChanged(logger, package, "revoked " + id, user);
        await audit.RecordAsync(AuditEventTypes.TrustChanged, user, "revoked " + id, NpmAction.Trust.Name, package, context.RequestAborted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject());
    }

    private static Task WriteJsonAsync(HttpContext context, int status, JsonNode json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json.ToJsonString(), context.RequestAborted);
    }

    [LoggerMessage(EventId = LogEvents.TrustChanged, Level = LogLevel.Information, Message = "Trusted publisher of {Package} {Change} by maintainer {User}")]
    private static partial void LogChanged(ILogger logger, string package, string change, string user);
}
