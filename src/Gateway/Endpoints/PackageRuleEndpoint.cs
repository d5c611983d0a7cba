using System.Text.Json;
using Gateway.Automation;
using Gateway.Http;
using Gateway.Npm;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Endpoints;

/// <summary>
/// Answers <c>npm access set mfa=none|publish|automation</c> itself (registries behind the gateway do not keep
/// such a rule: Verdaccio answers 404): only a maintainer the registry's packument lists may change it — or, where
/// the registry lists none (Verdaccio 6), a user who published the package through the gateway — and the decision
/// already demanded a second factor. Any other access change is the registry's (forwarded). The rule then applies to every write of the package (Automation/WriteRules.cs).
/// </summary>
internal sealed partial class PackageRuleEndpoint(
    IHttpClientFactory clients,
    RegistryUris registryUris,
    PackageRuleBook rules,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard registry,
    DecisionAudit decisions,
    ILogger<PackageRuleEndpoint> logger)
{
    public Task HandleAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Decision.Record.PackageRuleChange is { } rule && feature.Classification.Package is { } package && feature.Caller is { } caller
            ? ChangeAsync(context, package, caller.Username, rule)
            : RegistryForward.ForwardAsync(context);
    }

    private async Task ChangeAsync(HttpContext context, string package, string user, PackageMfa rule)
    {
        var (status, maintainers) = await MaintainersAsync(context, package);
        if (status == StatusCodes.Status404NotFound)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"{package} is not in this registry.");
            return;
        }

        if (maintainers is { Count: 0 })
        {
            maintainers = [.. await rules.PublishersAsync(package, context.RequestAborted)];
        }

        if (maintainers is null || !maintainers.Contains(user, StringComparer.Ordinal))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, $"Only a maintainer of {package} can change its two-factor rule.");
            return;
        }

        await rules.SetAsync(package, rule, context.RequestAborted);
        LogChanged(logger, package, rule.ToWire(), user);
        await decisions.PackageRuleChangedAsync(context.GatewayFeature(), rule.ToWire(), context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{}", context.RequestAborted);
    }

    /// <summary>The packument's maintainers, read with the caller's own credential (the registry decides what it may see).</summary>
    private async Task<(int Status, List<string>? Maintainers)> MaintainersAsync(HttpContext context, string package)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var (status, text) = await registry.ExecuteAsync(async cancellation =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, registryUris.For("/" + package.Replace("/", "%2f", StringComparison.Ordinal)));
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            using var response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, cancellation);
            // Other 4xx (404: no such package) are read below; 413/414/429/431 are the request's own fault.
            UpstreamRefusedException.ThrowIfNotAnswered(response, "packument", UpstreamRefusedException.IsShapeOrRate);

            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation));
        }, context.RequestAborted);
        if (status != StatusCodes.Status200OK)
        {
            return (status, null);
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            return (status, Maintainers(json.RootElement));
        }
        catch (JsonException)
        {
            return (status, null);
        }
    }

    /// <summary>
    /// The packument's <c>maintainers</c> (npmjs, and registries that keep owners); a registry that keeps none at the
    /// top (Verdaccio 6) is read at its latest version: that version's <c>maintainers</c>, else its publisher
    /// (<c>_npmUser</c>). Never every version's: a removed owner stays in the versions they published.
    /// </summary>
    private static List<string> Maintainers(JsonElement packument)
    {
        if (Names(packument, "maintainers") is { Count: > 0 } top)
        {
            return top;
        }

        if (packument.TryGetProperty("dist-tags", out var tags) && tags.ValueKind == JsonValueKind.Object
            && tags.TryGetProperty("latest", out var latest) && latest.ValueKind == JsonValueKind.String
            && packument.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Object
            && versions.TryGetProperty(latest.GetString()!, out var version) && version.ValueKind == JsonValueKind.Object)
        {
            if (Names(version, "maintainers") is { Count: > 0 } listed)
            {
                return listed;
            }

            if (version.TryGetProperty("_npmUser", out var publisher) && publisher.ValueKind == JsonValueKind.Object
                && publisher.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                return [name.GetString()!];
            }
        }

        return [];
    }

    private static List<string> Names(JsonElement owner, string key) =>
        owner.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray()
                .Select(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()
                    : m.ValueKind == JsonValueKind.String ? m.GetString() : null)
                .OfType<string>()]
            : [];

    [LoggerMessage(EventId = LogEvents.PackageRuleChanged, Level = LogLevel.Information, Message = "Two-factor rule of {Package} set to {Rule} by maintainer {User}")]
    private static partial void LogChanged(ILogger logger, string package, string rule, string user);
}
