using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Identity;

/// <summary>
/// Gets the registry's own token for a user, with their password, the way npm's couch login does
/// (docs/PROTOCOL.md#51-the-three-requests, step 3: a Basic-authenticated <c>PUT /-/user/org.couchdb.user:NAME/-rev/…</c>).
/// The web login hands this token to the CLI: the gateway never invents credentials of its own.
/// </summary>
internal sealed class UpstreamLogin(IHttpClientFactory clients, RegistryUris registry, [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard guard)
{
    /// <returns>The token, or null when the registry refuses the username/password.</returns>
    public async ValueTask<string?> LoginAsync(string username, string password, CancellationToken cancellation)
    {
        if (username.Length == 0 || password.Length == 0 || username.Contains(':'))
        {
            return null;
        }

        var path = "/-/user/org.couchdb.user:" + Uri.EscapeDataString(username) + "/-rev/undefined";
        return await guard.ExecuteAsync(async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, registry.For(path))
            {
                Content = JsonContent.Create(new
                {
                    _id = "org.couchdb.user:" + username,
                    name = username,
                    password,
                    type = "user",
                    roles = Array.Empty<string>(),
                    date = DateTimeOffset.UtcNow.ToString("O"),
                }),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));
            using var response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, ct);
            // A 5xx is the registry's failure; 413/414/429/431 the request's own (passed on to the client, never
            // counted by the breaker); any other refusal is a wrong username or password.
            UpstreamRefusedException.ThrowIfNotAnswered(response, "login", UpstreamRefusedException.IsShapeOrRate);

            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
            {
                return null;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return body.RootElement.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        }, cancellation);
    }
}
