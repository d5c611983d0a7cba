using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The gateway under a path (<c>Gateway:PublicUrl</c> = <c>http://localhost/npm/</c>) in front of a registry at its root:
/// npm, the pages and the gateway's endpoints under <c>/npm/</c>, the path stripped before anything classifies; a clear
/// 404 outside it, except the OIDC token exchange npm posts to the host's root.
/// </summary>
public sealed partial class PublicPathHostTests(PublicPathHostTests.UnderNpm host) : IClassFixture<PublicPathHostTests.UnderNpm>
{
    private const string Npm = "/npm";

    public sealed class UnderNpm : GatewayHost
    {
        protected override string PublicPath => Npm;
    }

    [Theory]
    [InlineData("GET", "/demo-pkg")]
    [InlineData("PUT", "/demo-pkg")]
    [InlineData("GET", "/-/gateway/health")]
    [InlineData("GET", "/-/gateway/sign-in")]
    [InlineData("GET", "/npmx/demo-pkg")]
    [InlineData("GET", "/np%6d/demo-pkg")]
    [InlineData("GET", "/NPM/demo-pkg")]
    [InlineData("GET", "/-/npm/v1/oidc/token/exchange/package/demo-pkg")]
    public async Task RequestOutsideThePublicPath_Is404SayingWhereTheRegistryIs_AndNeverForwarded(string method, string target)
    {
        var before = host.Registry.Requests.Count;

        var answer = await RawExchange.SendAsync(host.Client, RawExchange.Owner, method, target, ["Authorization: Bearer alice-token"]);

        Assert.Equal(404, answer.Status);
        Assert.Equal("application/json", answer.Header("Content-Type"));
        Assert.Contains("under http://localhost/npm/", answer.Error, StringComparison.Ordinal);
        Assert.Equal(before, host.Registry.Requests.Count);
    }

    [Fact]
    public async Task Publish_UnderThePath_IsChallengedThenForwardedWithThePathStripped()
    {
        var secret = await host.EnrolAsync("pam");
        var (type, body) = RawExchange.Json("""{"_id":"@stub/pp-pkg","name":"@stub/pp-pkg","versions":{}}""");
        string[] headers = ["Authorization: Bearer pam-token", type];

        var challenged = await RawExchange.SendAsync(host.Client, RawExchange.Owner, "PUT", Npm + "/@stub%2Fpp-pkg", headers, body);
        var code = "npm-otp: " + TotpCodes.Compute(secret, DateTimeOffset.UtcNow);
        var accepted = await RawExchange.SendAsync(host.Client, RawExchange.Owner, "PUT", Npm + "/@stub%2Fpp-pkg", [.. headers, code], body);

        Assert.Equal(401, challenged.Status);
        Assert.Contains("otp", challenged.Header("WWW-Authenticate"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(201, accepted.Status);
        var put = Assert.Single(host.Registry.Requests, r => r.Method == "PUT" && r.RawTarget.Contains("pp-pkg", StringComparison.Ordinal));
        Assert.Equal("/@stub%2Fpp-pkg", put.RawTarget); // the npm path, bytes as sent
        Assert.Contains(host.Registry.Requests, r => r.RawTarget == "/-/whoami"); // the gateway's own calls: at the registry's root
    }

    /// <summary>npm posts the exchange to the host's root: it is answered as the same request under the path would be.</summary>
    [Fact]
    public async Task OidcExchangeAtTheRoot_IsTakenInAsIfUnderThePath()
    {
        var (type, body) = RawExchange.Json("{}");

        var underPath = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, "POST", Npm + "/-/npm/v1/oidc/token/exchange/package/demo-pkg", [type], body);
        var atRoot = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, "POST", "/-/npm/v1/oidc/token/exchange/package/demo-pkg", [type], body);

        Assert.NotEqual(404, atRoot.Status);
        Assert.Equal(underPath.Status, atRoot.Status);
        Assert.Equal(underPath.Error, atRoot.Error);
    }

    [Fact]
    public async Task Packument_TarballUrlsWithoutThePath_GetIt()
    {
        using var response = await host.Client.GetAsync(Npm + "/tarball-pkg");

        var versions = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("versions");
        Assert.Equal("http://localhost/npm/tarball-pkg/-/tarball-pkg-1.0.0.tgz", Tarball(versions, "1.0.0")); // the registry's own base
        Assert.Equal("http://localhost/npm/tarball-pkg/-/tarball-pkg-1.0.1.tgz", Tarball(versions, "1.0.1")); // the Host the gateway sent
        Assert.Equal("https://cdn.example/tarball-pkg/-/tarball-pkg-1.0.2.tgz", Tarball(versions, "1.0.2"));
    }

    [Fact]
    public async Task WebLogin_LoginAndDoneUrls_AreUnderThePath()
    {
        using var login = await host.Client.PostAsync(Npm + "/-/v1/login", new StringContent("{}", Encoding.UTF8, "application/json"));
        var json = JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement;

        Assert.StartsWith("http://localhost/npm/-/gateway/login/", json.GetProperty("loginUrl").GetString(), StringComparison.Ordinal);
        var done = new Uri(json.GetProperty("doneUrl").GetString()!);
        Assert.StartsWith("/npm/-/gateway/done/", done.AbsolutePath, StringComparison.Ordinal);
        using var poll = await host.Client.GetAsync(done.PathAndQuery);
        Assert.Equal(HttpStatusCode.Accepted, poll.StatusCode); // pending, answered under the path
    }

    [Fact]
    public async Task Pages_LinksFormsRedirectsAndCookies_AreUnderThePath()
    {
        using var browser = host.NewBrowser();

        using var anonymous = await browser.GetAsync(Npm + "/-/gateway/account/");
        using var form = await browser.GetAsync(Npm + "/-/gateway/sign-in");
        var html = await form.Content.ReadAsStringAsync();
        using var signIn = await browser.PostAsync(Npm + "/-/gateway/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value),
            ["username"] = "hank",
            ["password"] = "hank-password",
        }));
        using var account = await browser.GetAsync(signIn.Headers.Location);

        Assert.Equal("/npm/-/gateway/sign-in", anonymous.Headers.Location!.AbsolutePath);
        Assert.Contains("href=\"/npm/-/gateway/assets/gateway.css\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/npm/-/gateway/assets/gateway.js\"", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/npm/-/gateway/sign-in\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("(href|action|src)=\"/-/", html);
        Assert.Contains(form.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__gw_antiforgery=", StringComparison.Ordinal) && c.Contains("path=/npm/-/gateway;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/npm/-/gateway/account", signIn.Headers.Location!.OriginalString);
        Assert.Contains(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__gw_session=", StringComparison.Ordinal) && c.Contains("path=/npm/-/gateway;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Contains("<strong id=\"username\">hank</strong>", await account.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_IsUnderThePath()
    {
        using var health = await host.Client.GetAsync(Npm + "/-/gateway/health");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static string? Tarball(JsonElement versions, string version) =>
        versions.GetProperty(version).GetProperty("dist").GetProperty("tarball").GetString();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
