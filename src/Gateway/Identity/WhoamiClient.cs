using System.Net;
using System.Text.Json;
using Gateway.Proxy;

namespace Gateway.Identity;

/// <summary>Asks the upstream registry who owns a credential: <c>GET /-/whoami</c> with the caller's own Authorization.</summary>
internal sealed class WhoamiClient(IHttpClientFactory clients)
{
    /// <returns>The username, or null when the registry does not accept the credential.</returns>
    /// <exception cref="HttpRequestException">The registry failed (5xx, connection): the caller fails closed.</exception>
    public async ValueTask<string?> WhoamiAsync(string authorization, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/-/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, cancellation);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"whoami answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), default, cancellation);
        return body.RootElement.ValueKind == JsonValueKind.Object
            && body.RootElement.TryGetProperty("username", out var username)
            && username.ValueKind == JsonValueKind.String
            && username.GetString() is { Length: > 0 } name
                ? name
                : null;
    }
}
