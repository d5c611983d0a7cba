using System.Text.Json;
using Gateway.Automation;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Endpoints;

/// <summary>
/// Whether a user may change a package's settings (its two-factor rule, its trusted publishers) on a registry that keeps
/// no such permission the gateway can ask: a maintainer the registry's packument lists — read with the caller's own
/// credential, so the registry decides what they may see — or, where the registry lists none (Verdaccio 6), a user who
/// published the package through the gateway (docs/SECURITY.md, "Package rules").
/// </summary>
internal sealed class PackageMaintainers(
    IHttpClientFactory clients,
    RegistryUris registryUris,
    PackageRuleBook rules,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard registry)
{
    public PackageRuleBook Rules => rules;

    /// <returns>The packument's status (404: no such package) and whether <paramref name="user"/> maintains it.</returns>
    public async Task<(int Status, bool IsMaintainer)> IncludesAsync(HttpContext context, string package, string user)
    {
        var (status, maintainers) = await ReadAsync(context, package);
        if (maintainers is { Count: 0 })
        {
            maintainers = [.. await rules.PublishersAsync(package, context.RequestAborted)];
        }

        return (status, maintainers is not null && maintainers.Contains(user, StringComparer.Ordinal));
    }

    /// <summary>The packument's maintainers, read with the caller's own credential (the registry decides what it may see).</summary>
    private async Task<(int Status, List<string>? Maintainers)> ReadAsync(HttpContext context, string package)
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
}
