using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Testing;

/// <summary>A registry user who has enrolled in 2FA: the TOTP secret and the recovery codes they were shown.</summary>
public sealed record TwoFactorUser(RegistryUser User, string Secret, IReadOnlyList<string> RecoveryCodes)
{
    public string Name => User.Name;

    public string Password => User.Password;

    public string Token => User.Token;
}

/// <summary>An HTTP answer read completely (status, headers, body), so tests need not dispose anything.</summary>
public sealed record HttpAnswer(string Request, HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonNode? Json => Body.Length > 0 && Body.TrimStart().StartsWith('{') ? JsonNode.Parse(Body) : null;

    public override string ToString() =>
        $"{Request} → {(int)Status}\n{string.Join('\n', Headers.Select(h => $"{h.Key}: {h.Value}"))}\n\n{Body}";
}

/// <summary>
/// Requests to the gateway the way npm makes them, for the parts of a test where the CLI is impractical
/// (status codes and headers npm does not print, lock-out loops, the token API).
/// </summary>
public static class GatewayHttp
{
    public static async Task<HttpAnswer> SendAsync(
        this GatewayProcess gateway, HttpMethod method, string path, string? token, string? otp = null, JsonNode? body = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        foreach (var header in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (otp is not null)
        {
            request.Headers.Add("npm-otp", otp);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await gateway.Http.SendAsync(request);
        var responseHeaders = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new HttpAnswer($"{method} {path}{(otp is null ? "" : " (with npm-otp)")}", response.StatusCode, responseHeaders, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// A request with a body given as text and headers as given (Content-Type included), for bodies and
    /// header spellings npm never sends: what an attacker holding one factor would send.
    /// </summary>
    public static async Task<HttpAnswer> SendRawAsync(
        this HttpClient client, HttpMethod method, string path, string? authorization, string? body, string? contentType,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var header in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        using var response = await client.SendAsync(request);
        var responseHeaders = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new HttpAnswer($"{method} {path} ({contentType})", response.StatusCode, responseHeaders, await response.Content.ReadAsStringAsync());
    }

    public static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    /// <summary>
    /// Enrols <paramref name="user"/> through the gateway with exactly the two requests
    /// <c>npm profile enable-2fa</c> makes (docs/PROTOCOL.md#62-enable-2fa): start with the password, confirm with a code.
    /// The pty-driven test of the real command is <c>TwoFactorCoreFlowsTests.EnableTwoFactor_…</c>;
    /// other tests use this because it is much faster.
    /// </summary>
    public static async Task<TwoFactorUser> EnrolAsync(this GatewayProcess gateway, RegistryUser user, string mode = "auth-and-writes")
    {
        Task<HttpAnswer> StartAsync() => gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", user.Token,
            body: new JsonObject { ["tfa"] = new JsonObject { ["mode"] = mode, ["password"] = user.Password } });
        var start = await StartAsync();
        // A fresh gateway on a saturated CI machine can miss its store's 2-second deadline once (first script runs in a
        // new embedded store): the answer is the fail-closed 503 + Retry-After, and a patient client tries again, as
        // this set-up step does (twice at most). Starting again is harmless: it replaces the pending secret.
        for (var retry = 0; retry < 2 && start.Status == HttpStatusCode.ServiceUnavailable && start.Headers.ContainsKey("Retry-After"); retry++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            start = await StartAsync();
        }

        var url = start.Status == HttpStatusCode.OK ? start.Json?["tfa"]?.GetValue<string>() : null;
        if (url is null || !url.StartsWith("otpauth://totp/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Enrolment of {user.Name} did not start:\n{start}");
        }

        var secret = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["secret"]
            ?? throw new InvalidOperationException($"No secret in {url}");
        var confirm = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", user.Token,
            body: new JsonObject { ["tfa"] = new JsonArray(await Totp.CodeAsync(secret)) });
        var codes = confirm.Status == HttpStatusCode.OK ? confirm.Json?["tfa"]?.AsArray().Select(c => c!.GetValue<string>()).ToList() : null;
        if (codes is not { Count: > 0 })
        {
            throw new InvalidOperationException($"Enrolment of {user.Name} was not confirmed:\n{confirm}");
        }

        return new TwoFactorUser(user, secret, codes);
    }

    /// <summary><c>PUT /-/package/&lt;name&gt;/dist-tags/&lt;tag&gt;</c> as <c>npm dist-tag add</c> sends it (class writes).</summary>
    public static Task<HttpAnswer> PutDistTagAsync(
        this GatewayProcess gateway, string token, string package, string tag, string version, string? otp, IReadOnlyDictionary<string, string>? headers = null) =>
        gateway.SendAsync(HttpMethod.Put, $"-/package/{VerdaccioProcess.EncodeName(package)}/dist-tags/{Uri.EscapeDataString(tag)}", token, otp, JsonValue.Create(version), headers);

    /// <summary><c>POST /-/npm/v1/tokens</c> with npm ≤ 11.6's payload (docs/PROTOCOL.md#71-create; class auth).</summary>
    public static Task<HttpAnswer> CreateTokenAsync(this GatewayProcess gateway, RegistryUser user, string? otp) =>
        gateway.SendAsync(HttpMethod.Post, "-/npm/v1/tokens", user.Token, otp,
            new JsonObject { ["password"] = user.Password, ["readonly"] = false, ["cidr_whitelist"] = new JsonArray() });
}
