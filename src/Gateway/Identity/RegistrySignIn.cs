using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Identity;

/// <summary>
/// Verdaccio's own sign-in, the one its web UI posts (<c>POST /-/verdaccio/sec/login</c> with
/// <c>{username, password}</c>): how the gateway proves a password to a registry that refuses Basic credentials on its
/// API (Verdaccio 9: README, "Verdaccio 9"). It only checks the password: it never creates an account, unlike a couch
/// login (<c>PUT /-/user/org.couchdb.user:NAME</c>) of a name the registry does not know, which signs that name up.
/// The session token it answers with is a JSON Web Token signed by the registry, valid for its
/// <c>security.web.sign.expiresIn</c> (1 hour by default); Verdaccio keeps no list of them, so none can be revoked.
/// </summary>
internal sealed class RegistrySignIn(IHttpClientFactory clients, RegistryUris registry)
{
    public const string Path = "/-/verdaccio/sec/login";

    /// <returns>The registry's session, or null: a wrong username or password, or a registry without this sign-in
    /// (its web UI turned off, or not a Verdaccio: any 4xx but a size or rate refusal).</returns>
    /// <exception cref="HttpRequestException">The registry failed (5xx, connection): the caller fails closed.</exception>
    /// <exception cref="UpstreamRefusedException">The registry refused the request's size or rate (413, 414, 429, 431).</exception>
    public async ValueTask<RegistrySession?> SignInAsync(string username, string password, IPAddress? clientAddress, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, registry.For(Path)) { Content = JsonContent.Create(new { username, password }) };
        if (clientAddress is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", clientAddress.ToString());
        }

        using var response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, cancellation);
        UpstreamRefusedException.ThrowIfNotAnswered(response, "sign-in", UpstreamRefusedException.IsShapeOrRate);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), default, cancellation);
        var root = body.RootElement;
        return root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("username", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } owner
            && root.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } session
                ? new RegistrySession(owner, session)
                : null;
    }
}

/// <param name="Username">The account as the registry spells it.</param>
/// <param name="Token">Its session token: a Bearer credential the registry's API takes. Never logged.</param>
internal sealed record RegistrySession(string Username, string Token)
{
    public override string ToString() => $"RegistrySession {{ Username = {Username} }}";
}
