using System.Net;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Harness;

/// <summary>
/// A browser as the gateway's pages see one, without a browser: a cookie jar (session and antiforgery
/// cookies), the antiforgery token of the last page read from its HTML, and form posts. For tests of what
/// the pages refuse, where a real browser adds nothing (the browser tests cover the pages' script).
/// </summary>
internal sealed partial class PageSession : IDisposable
{
    private readonly HttpClient _http;

    public PageSession(GatewayProcess gateway)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = true })
        {
            BaseAddress = new Uri(gateway.Url + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The antiforgery token of the last page read.</summary>
    public string? FormToken { get; private set; }

    public async Task<HttpAnswer> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path.TrimStart('/'));
        return await ReadAsync($"GET {path}", response);
    }

    /// <summary>Posts a form with the last page's antiforgery token (as the page's own form would).</summary>
    public async Task<HttpAnswer> PostFormAsync(string path, IReadOnlyDictionary<string, string> fields)
    {
        var all = new Dictionary<string, string>(fields);
        if (FormToken is not null)
        {
            all["__RequestVerificationToken"] = FormToken;
        }

        using var response = await _http.PostAsync(path.TrimStart('/'), new FormUrlEncodedContent(all));
        return await ReadAsync($"POST {path}", response);
    }

    /// <summary>Posts JSON with the antiforgery token in its header, as the pages' script does.</summary>
    public async Task<HttpAnswer> PostJsonAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("RequestVerificationToken", FormToken ?? "");
        using var response = await _http.SendAsync(request);
        return await ReadAsync($"POST {path}", response);
    }

    /// <summary>Signs in with the password and, when <paramref name="code"/> is given, the second-factor step.</summary>
    public async Task<HttpAnswer> SignInAsync(RegistryUser user, string? code = null)
    {
        await GetAsync("/-/gateway/sign-in");
        var answer = await PostFormAsync("/-/gateway/sign-in", new Dictionary<string, string> { ["username"] = user.Name, ["password"] = user.Password });
        if (code is not null)
        {
            var action = FormActionPattern().Match(answer.Body);
            if (!action.Success)
            {
                throw new InvalidOperationException("No second-factor form after the password:\n" + answer);
            }

            answer = await PostFormAsync(WebUtility.HtmlDecode(action.Groups[1].Value), new Dictionary<string, string> { ["code"] = code });
        }

        if (!answer.Body.Contains("id=\"username\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Sign-in did not reach the account page:\n" + answer);
        }

        return answer;
    }

    /// <summary>The value of a hidden or text input named <paramref name="name"/> in the last answer's HTML.</summary>
    public static string? InputValue(HttpAnswer page, string name)
    {
        var match = Regex.Match(page.Body, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private async Task<HttpAnswer> ReadAsync(string request, HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var answer = new HttpAnswer(request, response.StatusCode, headers, await response.Content.ReadAsStringAsync());
        FormToken = InputValue(answer, "__RequestVerificationToken") ?? FormToken;
        return answer;
    }

    [GeneratedRegex("<form method=\"post\" action=\"(/-/gateway/sign-in/[^\"]+)\" id=\"second-factor\"")]
    private static partial Regex FormActionPattern();

    public void Dispose() => _http.Dispose();
}
