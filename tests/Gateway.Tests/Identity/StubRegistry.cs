using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Identity;

/// <summary>
/// The parts of a Verdaccio the password proof and the login touch, behind an <see cref="IHttpClientFactory"/>: whoami,
/// the web UI's sign-in, and the couch login, which — as Verdaccio's does — signs up a name it cannot authenticate.
/// <paramref name="takesBasic"/>: false is Verdaccio 9 (any Basic credential is answered 401 <c>Bearer</c>), true is 6.8.
/// Every request is kept, so a test can show which were sent and which accounts were created.
/// </summary>
internal sealed class StubRegistry(bool takesBasic, bool hasSignIn = true) : IHttpClientFactory
{
    private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);

    public List<string> Requests { get; } = [];

    public List<string> SignUps { get; } = [];

    public StubRegistry WithUser(string name, string password)
    {
        _passwords[name] = password;
        return this;
    }

    public HttpClient CreateClient(string name) => new(new Handler(this)) { BaseAddress = new Uri("http://registry.invalid") };

    private HttpResponseMessage Answer(HttpRequestMessage request, string? body)
    {
        var path = request.RequestUri!.AbsolutePath;
        var authorization = request.Headers.TryGetValues("Authorization", out var values) ? values.Single() : null;
        Requests.Add($"{request.Method} {path} {authorization?.Split(' ')[0] ?? "anonymous"}");
        var caller = Caller(authorization, out var refused);
        if (refused)
        {
            return Json(HttpStatusCode.Unauthorized, """{"error":"bad username/password, access denied"}""", "Bearer");
        }

        var json = body is null ? null : JsonNode.Parse(body);
        return (request.Method.Method, path) switch
        {
            ("GET", "/-/whoami") => Json(HttpStatusCode.OK, caller is null ? "{}" : JsonSerializer.Serialize(new { username = caller })),
            ("POST", "/-/verdaccio/sec/login") when !hasSignIn => Json(HttpStatusCode.NotFound, """{"error":"not found"}"""),
            ("POST", "/-/verdaccio/sec/login") => Known(json?["username"]?.GetValue<string>(), json?["password"]?.GetValue<string>()) is { } user
                ? Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { token = "session-of-" + user, username = user }))
                : Json(HttpStatusCode.Unauthorized, """{"error":"bad username/password, access denied"}""", "Bearer"),
            ("PUT", _) when path.StartsWith("/-/user/org.couchdb.user:", StringComparison.Ordinal) => CouchLogin(caller, json),
            _ => Json(HttpStatusCode.NotFound, """{"error":"not found"}"""),
        };
    }

    /// <summary>Verdaccio's couch login: authenticated as the body's name, a login; else an add-user, which creates an unknown name.</summary>
    private HttpResponseMessage CouchLogin(string? caller, JsonNode? body)
    {
        var name = body?["name"]?.GetValue<string>() ?? "";
        var password = body?["password"]?.GetValue<string>() ?? "";
        if (caller == name)
        {
            return Known(name, password) is not null
                ? Json(HttpStatusCode.Created, JsonSerializer.Serialize(new { ok = "you are authenticated as '" + name + "'", token = "api-token-of-" + name }))
                : Json(HttpStatusCode.Unauthorized, """{"error":"bad username/password, access denied"}""", "Bearer");
        }

        if (_passwords.TryGetValue(name, out var known))
        {
            return known == password
                ? Json(HttpStatusCode.Conflict, """{"error":"username is already registered"}""")
                : Json(HttpStatusCode.Unauthorized, """{"error":"unauthorized access"}""", "Bearer");
        }

        _passwords[name] = password;
        SignUps.Add(name);
        return Json(HttpStatusCode.Created, JsonSerializer.Serialize(new { ok = "user '" + name + "' created", token = "api-token-of-" + name }));
    }

    private string? Caller(string? authorization, out bool refused)
    {
        refused = false;
        if (authorization is null)
        {
            return null;
        }

        if (authorization.StartsWith("Bearer session-of-", StringComparison.Ordinal))
        {
            return authorization["Bearer session-of-".Length..];
        }

        if (authorization.StartsWith("Basic ", StringComparison.Ordinal) && takesBasic)
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])).Split(':', 2);
            // Verdaccio 6.8: a wrong Basic credential is anonymous, not refused.
            return Known(pair[0], pair[1]);
        }

        refused = true;
        return null;
    }

    private string? Known(string? name, string? password) =>
        name is not null && _passwords.TryGetValue(name, out var known) && known == password ? name : null;

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string? challenge = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (challenge is not null)
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        }

        return response;
    }

    private sealed class Handler(StubRegistry registry) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (registry)
            {
                return registry.Answer(request, body);
            }
        }
    }
}
