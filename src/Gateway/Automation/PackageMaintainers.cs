using System.Text.Json;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Automation;

/// <summary>
/// Who maintains a package, as the gateway decides who may change its rules (<c>npm access set mfa=…</c>, the account
/// page's staging rule): the packument's maintainers as the registry shows them to the given credential, or — where the
/// registry lists none (Verdaccio 6) — the users who published the package through the gateway.
/// </summary>
internal sealed class PackageMaintainers(
    IHttpClientFactory clients,
    RegistryUris registryUris,
    PackageRuleBook rules,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard registry)
{
    /// <param name="Exists">False when the registry answers 404 for the package.</param>
    /// <param name="Names">The maintainers; empty when the packument could not be read (nobody may change the rule then).</param>
    public sealed record Result(bool Exists, IReadOnlyList<string> Names);

    /// <param name="authorization">The caller's own <c>Authorization</c> (the registry decides what it may see); empty: anonymous.</param>
    public async Task<Result> OfAsync(string package, string authorization, CancellationToken cancellation)
    {
        var (status, text) = await registry.ExecuteAsync(async inner =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, registryUris.For("/" + package.Replace("/", "%2f", StringComparison.Ordinal)));
            if (authorization.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            using var response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, inner);
            // Other 4xx (404: no such package) are read below; 413/414/429/431 are the request's own fault.
            UpstreamRefusedException.ThrowIfNotAnswered(response, "packument", UpstreamRefusedException.IsShapeOrRate);

            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(inner));
        }, cancellation);
        if (status == StatusCodes.Status404NotFound)
        {
            return new Result(false, []);
        }

        List<string> names;
        try
        {
            using var json = status == StatusCodes.Status200OK ? JsonDocument.Parse(text) : null;
            if (json is null)
            {
                return new Result(true, []);
            }

            names = Maintainers(json.RootElement);
        }
        catch (JsonException)
        {
            return new Result(true, []);
        }

        return new Result(true, names.Count > 0 ? names : [.. await rules.PublishersAsync(package, cancellation)]);
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
