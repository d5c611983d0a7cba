using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Identity;

/// <summary>
/// Gets the registry's own token for a user, with their password, the way npm's couch login does
/// (docs/PROTOCOL.md#51-the-three-requests, step 3: a Basic-authenticated <c>PUT /-/user/org.couchdb.user:NAME/-rev/…</c>).
/// The couch login is sent only once the password is proven as <see cref="PasswordChecker"/> does: Verdaccio takes a
/// couch login it cannot authenticate for a sign-up, so a name the registry does not know would be created with
/// whatever password was typed. A registry that refuses Basic credentials (Verdaccio 9) is signed in to the way its web
/// UI does (<see cref="RegistrySignIn"/>), and the couch login carries that session as its Bearer credential.
/// The web login hands this token to the CLI: the gateway never invents credentials of its own.
/// </summary>
internal sealed class UpstreamLogin(
    IHttpClientFactory clients,
    RegistryUris registry,
    WhoamiClient whoami,
    RegistrySignIn signIn,
    Usernames usernames,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard guard)
{
    /// <returns>The token, or null when the registry refuses the username/password.</returns>
    public async ValueTask<string?> LoginAsync(string username, string password, CancellationToken cancellation)
    {
        if (username.Length == 0 || password.Length == 0 || username.Contains(':'))
        {
            return null;
        }

        return await guard.ExecuteAsync(async ct =>
        {
            var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password));
            if ((await whoami.AskAsync(basic, null, ct)).Username is { } owner)
            {
                return usernames.Same(owner, username) ? await CouchLoginAsync(username, password, basic, ct) : null;
            }

            if (await signIn.SignInAsync(username, password, null, ct) is not { } session || !usernames.Same(session.Username, username))
            {
                return null;
            }

            // The registry's own spelling of the name: the couch login is a login only when the body's name is exactly
            // the session's user; any other name would be taken for a sign-up of that name.
            return await CouchLoginAsync(session.Username, password, "Bearer " + session.Token, ct);
        }, cancellation);
    }

    private async ValueTask<string?> CouchLoginAsync(string username, string password, string authorization, CancellationToken ct)
    {
        var path = "/-/user/org.couchdb.user:" + Uri.EscapeDataString(username) + "/-rev/undefined";
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
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
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
    }
}
