using System.Text.Json;
using Gateway.Resilience;

namespace Gateway.Proxy;

/// <summary>
/// A packument read from the registry with a caller's own credential (the registry decides what that caller may see), and
/// who the registry says maintains the package: what the gateway's endpoints decide on where a rule belongs to the
/// package's maintainers (a package's 2FA rule, who may see and approve a staged publish).
/// </summary>
internal sealed class RegistryPackuments(
    IHttpClientFactory clients,
    RegistryUris registryUris,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard registry)
{
    /// <summary>The registry's status and, for a 200 with a JSON body, the packument (caller disposes).</summary>
    public async Task<(int Status, JsonDocument? Packument)> ReadAsync(string package, string authorization, CancellationToken cancellation)
    {
        var (status, text) = await registry.ExecuteAsync(async call =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, registryUris.For("/" + package.Replace("/", "%2f", StringComparison.Ordinal)));
            if (authorization.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            using var response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, call);
            // Other 4xx (404: no such package) are read below; 413/414/429/431 are the request's own fault.
            UpstreamRefusedException.ThrowIfNotAnswered(response, "packument", UpstreamRefusedException.IsShapeOrRate);

            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(call));
        }, cancellation);
        if (status != StatusCodes.Status200OK)
        {
            return (status, null);
        }

        try
        {
            return (status, JsonDocument.Parse(text));
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
    public static List<string> Maintainers(JsonElement packument)
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

    /// <summary>The version's <c>dist.shasum</c> in the packument, or null when the packument has no such version.</summary>
    public static string? Shasum(JsonElement packument, string version, out bool exists)
    {
        exists = packument.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Object
            && versions.TryGetProperty(version, out _);
        return exists && versions.GetProperty(version) is { ValueKind: JsonValueKind.Object } manifest
            && manifest.TryGetProperty("dist", out var dist) && dist.ValueKind == JsonValueKind.Object
            && dist.TryGetProperty("shasum", out var shasum) && shasum.ValueKind == JsonValueKind.String
            ? shasum.GetString() : null;
    }

    private static List<string> Names(JsonElement owner, string key) =>
        owner.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray()
                .Select(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()
                    : m.ValueKind == JsonValueKind.String ? m.GetString() : null)
                .OfType<string>()]
            : [];
}
