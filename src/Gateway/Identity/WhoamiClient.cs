using System.Net;
using System.Text.Json;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Identity;

/// <summary>Asks the upstream registry who owns a credential: <c>GET /-/whoami</c> with the caller's own Authorization.</summary>
internal sealed class WhoamiClient(IHttpClientFactory clients, RegistryUris registry)
{
    /// <param name="clientAddress">
    /// The caller's address, sent as <c>X-Forwarded-For</c> like the forwarded request carries it, so a
    /// registry that restricts a token to client addresses judges whoami as it will judge the request.
    /// </param>
    /// <returns>The username, or null when the registry does not accept the credential or names nobody.</returns>
    /// <exception cref="HttpRequestException">The registry failed (5xx, connection): the caller fails closed.</exception>
    /// <exception cref="UpstreamRefusedException">The registry refused the request itself (a 4xx other than
    /// 401/403, e.g. 431 for a 20 KB Authorization): the client's fault, answered to it, never a registry failure.</exception>
    public async ValueTask<string?> WhoamiAsync(string authorization, IPAddress? clientAddress, CancellationToken cancellation) =>
        (await AskAsync(authorization, clientAddress, cancellation)).Username;

    /// <summary>As <see cref="WhoamiAsync"/>, with the registry's <c>WWW-Authenticate</c> when it refused the credential.</summary>
    public async ValueTask<WhoamiAnswer> AskAsync(string authorization, IPAddress? clientAddress, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, registry.For("/-/whoami"));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (clientAddress is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", clientAddress.ToString());
        }

        using var response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, cancellation);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new WhoamiAnswer(null, response.Headers.WwwAuthenticate.Count > 0 ? response.Headers.WwwAuthenticate.ToString() : null);
        }

        UpstreamRefusedException.ThrowIfNotAnswered(response, "whoami");
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"whoami answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), default, cancellation);
        return new WhoamiAnswer(
            body.RootElement.ValueKind == JsonValueKind.Object
            && body.RootElement.TryGetProperty("username", out var username)
            && username.ValueKind == JsonValueKind.String
            && username.GetString() is { Length: > 0 } name
                ? name
                : null,
            null);
    }
}

/// <param name="Username">Who the registry says owns the credential; null: nobody.</param>
/// <param name="Challenge">The registry's <c>WWW-Authenticate</c> on a 401/403: the schemes it takes, in its own words
/// (Verdaccio 6.8 <c>Basic, Bearer</c>; Verdaccio 9, which refuses Basic credentials, <c>Bearer</c>).</param>
internal readonly record struct WhoamiAnswer(string? Username, string? Challenge);
