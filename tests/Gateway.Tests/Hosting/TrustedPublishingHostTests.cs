using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Automation;
using Gateway.TrustedPublishing;
using Gateway.TwoFactor;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Hosting;

/// <summary>
/// A gateway that trusts one GitHub-shaped issuer, whose keys it reads from a JWKS file (no network), and publishes for
/// trusted workflows with the stub registry's <c>ci-bot</c>. Public URL <c>http://localhost</c>: the audiences are
/// <c>npm:localhost</c> and <c>npm:localhost:80</c>.
/// </summary>
public sealed class TrustedPublishingHost : GatewayHost
{
    public const string IssuerUrl = "https://ci.example.test/_services/token";

    private readonly TempDirectory _folder = new("oidc-host");

    public TrustedPublishingHost()
    {
        Issuer = LocalOidcIssuer.Offline(IssuerUrl);
        File.WriteAllText(_folder.Combine("jwks.json"), Issuer.JwksJson);
    }

    public LocalOidcIssuer Issuer { get; }

    protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string>
    {
        ["Gateway:TrustedPublishing:Issuers:0:Issuer"] = IssuerUrl,
        ["Gateway:TrustedPublishing:Issuers:0:Type"] = "github",
        ["Gateway:TrustedPublishing:Issuers:0:JwksFile"] = _folder.Combine("jwks.json"),
        ["Gateway:TrustedPublishing:RegistryToken"] = "ci-bot-token",
        ["Gateway:TrustedPublishing:TokenLifetime"] = "00:10:00",
        ["Gateway:TrustedPublishing:MaxTokenAge"] = "00:02:00",
    };
}

/// <summary>
/// Issue 23 in process: the exchange's answers in npm's shapes, the id-token checks, single use, the exchanged token's
/// reach (its package: read, publish; nothing else) and the registry credential it is swapped for, and the trust API
/// behind a second factor. The real npm CLIs against Verdaccio: Gateway.IntegrationTests/TrustedPublishingTests.
/// </summary>
public sealed partial class TrustedPublishingHostTests(TrustedPublishingHost host) : IClassFixture<TrustedPublishingHost>
{
    private const string Widget = "@stub/widget";
    private const string WidgetPath = "/@stub%2fwidget";
    private const string Exchange = "/-/npm/v1/oidc/token/exchange/package/";

    [Fact]
    public async Task Exchange_TrustedWorkflow_201InNpmsShape_TokenReadsAndPublishesItsPackageWithTheRegistryCredentialOnly()
    {
        await TrustAsync(Widget, """{"type":"github","claims":{"repository":"acme/widget","workflow_ref":{"file":"publish.yml"}},"permissions":["createPackage"]}""");
        var idToken = host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("acme/widget", "publish.yml"));

        var (status, json) = await ExchangeAsync(Widget, idToken);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("oidc", json.GetProperty("token_type").GetString());
        var token = json.GetProperty("token").GetString()!;
        Assert.StartsWith("gwoidc_", token, StringComparison.Ordinal);
        var created = DateTimeOffset.Parse(json.GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(json.GetProperty("expires").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromMinutes(10), expires - created);

        using var read = await SendAsync(HttpMethod.Get, WidgetPath, token);
        using var publish = await SendAsync(HttpMethod.Put, WidgetPath, token, PublishBody(Widget, "1.0.0"));
        Assert.Equal(HttpStatusCode.Created, publish.StatusCode);
        using var visibility = await SendAsync(HttpMethod.Get, "/-/package/@stub%2fwidget/visibility", token);
        Assert.Equal("""{"public":false}""", await visibility.Content.ReadAsStringAsync());

        var forwarded = host.Registry.Requests.Where(r => r.RawTarget == WidgetPath).ToList();
        Assert.Contains(forwarded, r => r.Method == "PUT");
        Assert.All(forwarded, r => Assert.Equal("Bearer ci-bot-token", r.Headers["Authorization"]));
        Assert.DoesNotContain(host.Registry.Requests, r => r.Headers.Values.Any(v => v.Contains(token, StringComparison.Ordinal) || v.Contains(idToken, StringComparison.Ordinal)));
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget.Contains("visibility", StringComparison.Ordinal));

        // Audited with the workflow, never with a token.
        var audit = string.Join("\n", (await host.StoreClient.GetDatabase().ListRangeAsync("gw:audit", 0, 20)).Select(v => v.ToString()));
        Assert.Contains("oidc-exchanged", audit, StringComparison.Ordinal);
        Assert.Contains("trusted-publisher-write", audit, StringComparison.Ordinal);
        Assert.Contains("project=acme/widget workflow=acme/widget/.github/workflows/publish.yml@refs/heads/main", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(token, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(idToken.Split('.')[2], audit, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries.Select(e => e.Message), m => m.Contains(token, StringComparison.Ordinal) || m.Contains("ci-bot-token", StringComparison.Ordinal));
    }

    public static TheoryData<string, int, string> Refusals => new()
    {
        { "wrong-audience", 401, "unauthorized" },
        { "npmjs-audience", 401, "unauthorized" },
        { "expired", 401, "unauthorized" },
        { "not-yet-valid", 401, "unauthorized" },
        { "unknown-issuer", 401, "unauthorized" },
        { "forged-signature", 401, "unauthorized" },
        { "alg-none", 401, "unauthorized" },
        { "hs256-with-the-public-key", 401, "unauthorized" },
        { "older-than-max-age", 401, "unauthorized" },
        { "no-iat", 401, "unauthorized" },
        { "iat-in-the-future", 401, "unauthorized" },
        { "wrong-workflow", 404, "package not found" },
        { "wrong-repository", 404, "package not found" },
        { "repository-case", 404, "package not found" },
        { "no-environment", 404, "package not found" },
        { "other-package", 404, "package not found" },
        { "no-bearer", 400, "bad request" },
        { "not-a-jwt", 400, "bad request" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Exchange_Refused_InNpmsWords_NothingIssued(string attack, int status, string words)
    {
        const string Guarded = "@stub/guarded";
        await TrustAsync(Guarded, """{"type":"github","claims":{"repository":"acme/guarded","workflow_ref":{"file":"release.yml"},"environment":"production"},"permissions":["createPackage"]}""");
        var job = LocalOidcIssuer.GitHubJob("acme/guarded", "release.yml", "production");
        using var otherKey = RSA.Create(2048);
        var package = Guarded;
        var idToken = attack switch
        {
            "wrong-audience" => host.Issuer.Mint("npm:evil.example", job),
            "npmjs-audience" => host.Issuer.Mint("npm:registry.npmjs.org", job),
            "expired" => host.Issuer.Mint("npm:localhost", job, lifetime: TimeSpan.FromMinutes(-2)),
            "not-yet-valid" => host.Issuer.Mint("npm:localhost", job, notBefore: DateTime.UtcNow.AddMinutes(3)),
            "unknown-issuer" => LocalOidcIssuer.Offline("https://token.actions.githubusercontent.com").Mint("npm:localhost", job),
            "forged-signature" => host.Issuer.Mint("npm:localhost", job, signWith: otherKey),
            "alg-none" => Unsigned(host.Issuer.Mint("npm:localhost", job)),
            "hs256-with-the-public-key" => SignedWithPublicKeyAsSecret(host.Issuer.Mint("npm:localhost", job)),
            // Still within exp (the provider's choice), but issued longer ago than MaxTokenAge (2 minutes in this host).
            "older-than-max-age" => host.Issuer.Mint("npm:localhost", job, lifetime: TimeSpan.FromMinutes(5), issuedAt: DateTime.UtcNow.AddMinutes(-3)),
            "no-iat" => host.Issuer.Mint("npm:localhost", job, issuedAt: DateTime.MinValue),
            "iat-in-the-future" => host.Issuer.Mint("npm:localhost", job, issuedAt: DateTime.UtcNow.AddMinutes(3)),
            "wrong-workflow" => host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("acme/guarded", "other.yml", "production")),
            "wrong-repository" => host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("evil/guarded", "release.yml", "production")),
            "repository-case" => host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("Acme/guarded", "release.yml", "production")),
            "no-environment" => host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("acme/guarded", "release.yml")),
            "other-package" => host.Issuer.Mint("npm:localhost", job),
            "not-a-jwt" => "not-a-jwt",
            _ => null,
        };
        if (attack == "other-package")
        {
            package = "@stub/unguarded";
        }

        var (answered, json) = await ExchangeAsync(package, idToken);

        Assert.Equal(status, (int)answered);
        Assert.Equal("OIDC token exchange error - " + words, json.GetProperty("message").GetString());
        Assert.False(json.TryGetProperty("token", out _));
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget.Contains("oidc", StringComparison.Ordinal));
        Assert.Equal($$"""{"message":"OIDC token exchange error - {{words}}"}""", json.GetRawText());
    }

    [Fact]
    public async Task Exchange_TooOld_ReasonInTheAuditTrailWithTheWorkflow_NotInTheAnswer()
    {
        await TrustAsync("@stub/aged", """{"type":"github","claims":{"repository":"acme/aged","workflow_ref":{"file":"publish.yml"}},"permissions":["createPackage"]}""");
        var idToken = host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("acme/aged", "publish.yml"), issuedAt: DateTime.UtcNow.AddMinutes(-4));

        var (status, json) = await ExchangeAsync("@stub/aged", idToken);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("""{"message":"OIDC token exchange error - unauthorized"}""", json.GetRawText());
        var audit = (await host.StoreClient.GetDatabase().ListRangeAsync("gw:audit", 0, 50)).Select(v => v.ToString()).ToList();
        Assert.Contains(audit, e => e.Contains("oidc-exchange-refused", StringComparison.Ordinal) && e.Contains("too-old (issued 00:04:", StringComparison.Ordinal)
            && e.Contains("project=acme/aged", StringComparison.Ordinal));
    }

    /// <summary>The token's own claims under <c>"alg": "none"</c>, without a signature.</summary>
    private static string Unsigned(string jwt)
    {
        var parts = jwt.Split('.');
        return Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + parts[1] + ".";
    }

    /// <summary>The algorithm-confusion attack: HS256 over the token, keyed with the issuer's public key set (which anyone can read).</summary>
    private string SignedWithPublicKeyAsSecret(string jwt)
    {
        var parts = jwt.Split('.');
        var header = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("""{"alg":"HS256","typ":"JWT"}""");
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(host.Issuer.JwksJson));
        var signature = hmac.ComputeHash(Encoding.ASCII.GetBytes(header + "." + parts[1]));
        return header + "." + parts[1] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature);
    }

    [Fact]
    public async Task Exchange_SameIdTokenTwice_SecondIs401()
    {
        await TrustAsync("@stub/replayed", """{"type":"github","claims":{"repository":"acme/replayed","workflow_ref":{"file":"publish.yml"}},"permissions":["createPackage"]}""");
        var idToken = host.Issuer.Mint("npm:localhost:80", LocalOidcIssuer.GitHubJob("acme/replayed", "publish.yml"));

        Assert.Equal(HttpStatusCode.Created, (await ExchangeAsync("@stub/replayed", idToken)).Status);
        var (second, json) = await ExchangeAsync("@stub/replayed", idToken);

        Assert.Equal(HttpStatusCode.Unauthorized, second);
        Assert.Equal("OIDC token exchange error - unauthorized", json.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("PUT", "/-/package/@stub%2fgoverned/dist-tags/beta", "\"1.0.0\"")]
    [InlineData("PUT", "/@stub%2fgoverned/beta", "\"1.0.0\"")]
    [InlineData("PUT", "/-/package/@stub%2fgoverned/owners", """{"name":"mallory"}""")]
    [InlineData("POST", "/-/package/@stub%2fgoverned/access", """{"publish_requires_tfa":false}""")]
    [InlineData("GET", "/-/package/@stub%2fgoverned/trust", null)]
    [InlineData("POST", "/-/package/@stub%2fgoverned/trust", """[{"type":"github","claims":{"repository":"evil/x","workflow_ref":{"file":"x.yml"}},"permissions":["createPackage"]}]""")]
    [InlineData("POST", "/-/npm/v1/tokens", """{"password":"x","readonly":false}""")]
    [InlineData("POST", "/-/npm/v1/user", """{"tfa":{"mode":"disable","password":"x"}}""")]
    [InlineData("DELETE", "/@stub%2fgoverned/-rev/1-abc", null)]
    [InlineData("GET", "/@stub%2fother", null)]
    [InlineData("PUT", "/@stub%2fother", "{}")]
    [InlineData("GET", "/-/whoami", null)]
    [InlineData("POST", "/-/stage/package/@stub%2fgoverned", "{}")]
    public async Task ExchangedToken_AnythingButReadingOrPublishingItsPackage_Is403_NeverForwarded(string method, string target, string? json)
    {
        var token = await ExchangedTokenAsync("@stub/governed", "governed");
        var before = host.Registry.Requests.Count;

        using var response = await SendAsync(new HttpMethod(method), target, token, json, otp: "123456");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("trusted-publishing token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, host.Registry.Requests.Count);
    }

    [Fact]
    public async Task ExchangedToken_RevokedByItsAccountWithNpmTokenRevoke_IsRefusedThereafter_RegistryNeverAsked()
    {
        var token = await ExchangedTokenAsync("@stub/revoked", "revoked");
        var keys = await host.StoreClient.GetDatabase().HashKeysAsync("gw:user:{ci-bot}:tokens");
        var key = keys.Select(k => k.ToString()).Single(k => k.StartsWith("oidc-", StringComparison.Ordinal)
            && host.StoreClient.GetDatabase().HashGet("gw:user:{ci-bot}:tokens", k).ToString() is { Length: > 0 } hash
            && host.StoreClient.GetDatabase().StringGet("gw:user:{ci-bot}:token:" + hash).ToString().Contains("revoked", StringComparison.Ordinal));

        using (var stranger = await SendAsync(HttpMethod.Delete, "/-/npm/v1/tokens/token/" + key, "mallory-token"))
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        using (var revoked = await SendAsync(HttpMethod.Delete, "/-/npm/v1/tokens/token/" + key, "ci-bot-token"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var publish = await SendAsync(HttpMethod.Put, "/@stub%2frevoked", token, PublishBody("@stub/revoked", "1.0.0"));
        Assert.Equal(HttpStatusCode.Unauthorized, publish.StatusCode);
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget.Contains("oidc-", StringComparison.Ordinal) || r.RawTarget == "/@stub%2frevoked");
    }

    [Fact]
    public async Task TrustApi_NeedsASecondFactorAndAMaintainer_OnePerPackage_RevokedConfigurationExchangesNothing()
    {
        var key = await host.EnrolAsync("alice");
        var code = TotpCodes.Compute(key, DateTimeOffset.UtcNow);
        using (var published = await SendAsync(HttpMethod.Put, "/demo-pkg", "alice-token", PublishBody("demo-pkg", "1.0.1"), code))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        const string Body = """[{"type":"github","claims":{"repository":"acme/demo","workflow_ref":{"file":"publish.yml"}},"permissions":["createStagedPackage"]}]""";

        // A stolen token alone: challenged, nothing stored.
        using (var challenged = await SendAsync(HttpMethod.Post, "/-/package/demo-pkg/trust", "alice-token", Body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
            Assert.Contains("otp", challenged.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Null(await host.Services.GetRequiredService<TrustBook>().GetAsync("demo-pkg", default));

        // Someone who is not a maintainer, even with a second factor: refused.
        var bobKey = await host.EnrolAsync("bob");
        using (var stranger = await SendAsync(HttpMethod.Post, "/-/package/demo-pkg/trust", "bob-token", Body, TotpCodes.Compute(bobKey, DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        }

        // The maintainer with a code: created, listed; a second one is 409.
        string id;
        using (var created = await SendAsync(HttpMethod.Post, "/-/package/demo-pkg/trust", "alice-token", Body, code))
        {
            var text = await created.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            id = JsonDocument.Parse(text).RootElement[0].GetProperty("id").GetString()!;
        }

        using (var listed = await SendAsync(HttpMethod.Get, "/-/package/demo-pkg/trust", "alice-token", otp: code))
        {
            var list = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(id, list[0].GetProperty("id").GetString());
            Assert.Equal("publish.yml", list[0].GetProperty("claims").GetProperty("workflow_ref").GetProperty("file").GetString());
        }

        using (var second = await SendAsync(HttpMethod.Post, "/-/package/demo-pkg/trust", "alice-token", Body, code))
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        }

        // Stage only: the exchanged token may not publish.
        var staged = await ExchangeAsync("demo-pkg", host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("acme/demo", "publish.yml")));
        using (var publish = await SendAsync(HttpMethod.Put, "/demo-pkg", staged.Json.GetProperty("token").GetString()!, PublishBody("demo-pkg", "1.0.2")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        }

        using (var revoked = await SendAsync(HttpMethod.Delete, "/-/package/demo-pkg/trust/" + id, "alice-token", otp: code))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        var after = await ExchangeAsync("demo-pkg", host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("acme/demo", "publish.yml")));
        Assert.Equal(HttpStatusCode.NotFound, after.Status);
    }

    [Fact]
    public async Task AccountPage_MaintainerAddsAndRemovesAGitHubPublisher_WithASecondFactor_TheApisOneConfiguration()
    {
        // tarball-pkg: the stub's packument lists no maintainers, so its publishers through the gateway are.
        const string Package = "tarball-pkg";
        var (owner, stranger) = ("tpo-" + Guid.NewGuid().ToString("N")[..8], "tps-" + Guid.NewGuid().ToString("N")[..8]);
        var ownerSecret = await host.EnrolAsync(owner);
        var strangerSecret = await host.EnrolAsync(stranger);
        await host.Services.GetRequiredService<PackageRuleBook>().AddPublisherAsync(Package, owner, default);
        var book = host.Services.GetRequiredService<TrustBook>();
        var publisher = new Dictionary<string, string>
        {
            ["package"] = Package, ["repository"] = "acme/tarball", ["workflow"] = "release.yml", ["environment"] = "production", ["permission"] = "publish",
        };

        using (var browser = await PageForms.SignedInAsync(host, stranger, strangerSecret))
        {
            var (status, refusal) = await PostAccountFormAsync(browser, "/-/gateway/account/trusted-publishers", new(publisher));
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("Only a maintainer of tarball-pkg can change its trusted publishers. Nothing was changed.", refusal, StringComparison.Ordinal);
        }

        using var owned = await PageForms.SignedInAsync(host, owner, ownerSecret);
        // A code in the form is checked even in a fresh session: a wrong one changes nothing.
        var (wrong, _) = await PostAccountFormAsync(owned, "/-/gateway/account/trusted-publishers", new(publisher) { ["code"] = WrongCode(ownerSecret) });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Null(await book.GetAsync(Package, default));

        var (added, page) = await PostAccountFormAsync(owned, "/-/gateway/account/trusted-publishers", new(publisher));
        Assert.Equal(HttpStatusCode.OK, added);
        Assert.Contains("Trusted publisher of tarball-pkg added: acme/tarball, workflow release.yml.", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"trust-package\">tarball-pkg</td>", page, StringComparison.Ordinal);
        var stored = await book.GetAsync(Package, default);
        Assert.NotNull(stored);
        Assert.Equal(
            """{"id":"ID","type":"github","claims":{"repository":"acme/tarball","workflow_ref":{"file":"release.yml"},"environment":"production"},"permissions":["createPackage"]}""".Replace("ID", stored.Id, StringComparison.Ordinal),
            stored.ToJson().ToJsonString());

        // The API's one configuration: a second one is refused, and the workflow it names exchanges its id token.
        var (second, _) = await PostAccountFormAsync(owned, "/-/gateway/account/trusted-publishers", new(publisher) { ["repository"] = "acme/other" });
        Assert.Equal(HttpStatusCode.Conflict, second);
        Assert.Equal(HttpStatusCode.Created, (await ExchangeAsync(Package, host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("acme/tarball", "release.yml", "production")))).Status);

        var (removed, after) = await PostAccountFormAsync(owned, "/-/gateway/account/trusted-publishers/remove", new() { ["package"] = Package, ["id"] = stored.Id });
        Assert.Equal(HttpStatusCode.OK, removed);
        Assert.Contains("Trusted publisher of tarball-pkg removed.", after, StringComparison.Ordinal);
        Assert.Null(await book.GetAsync(Package, default));
        Assert.DoesNotContain("<td class=\"trust-package\">tarball-pkg</td>", after, StringComparison.Ordinal);

        var audit = (await host.StoreClient.GetDatabase().ListRangeAsync("gw:audit", 0, 100)).Select(v => v.ToString()).Where(e => e.Contains("trust-changed", StringComparison.Ordinal)).ToList();
        Assert.Contains(audit, e => e.Contains(owner, StringComparison.Ordinal) && e.Contains("created " + stored.Id, StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Contains(owner, StringComparison.Ordinal) && e.Contains("revoked " + stored.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Contains(stranger, StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, string Page)> PostAccountFormAsync(HttpClient browser, string action, Dictionary<string, string> fields)
    {
        var account = await browser.GetStringAsync("/-/gateway/account/");
        Assert.Contains("id=\"add-trusted-publisher\"", account, StringComparison.Ordinal);
        using var response = await PageForms.PostAsync(browser, action, account, fields);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>A code none of the accepted steps (the previous, the current, the next) computes.</summary>
    private static string WrongCode(byte[] secret)
    {
        var now = DateTimeOffset.UtcNow;
        var valid = new[] { -30, 0, 30, 60 }.Select(s => TotpCodes.Compute(secret, now.AddSeconds(s))).ToHashSet();
        var code = int.Parse(TotpCodes.Compute(secret, now), System.Globalization.CultureInfo.InvariantCulture);
        string candidate;
        do
        {
            code = (code + 1) % 1_000_000;
            candidate = code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        }
        while (valid.Contains(candidate));
        return candidate;
    }



    private async Task TrustAsync(string package, string json)
    {
        var book = host.Services.GetRequiredService<TrustBook>();
        if (await book.GetAsync(package, default) is null)
        {
            using var document = JsonDocument.Parse(json);
            await book.CreateAsync(package, TrustConfiguration.Parse(document.RootElement, Guid.NewGuid().ToString(), out var problem) ?? throw new InvalidOperationException(problem), default);
        }
    }

    private async Task<string> ExchangedTokenAsync(string package, string repository)
    {
        await TrustAsync(package, $$$"""{"type":"github","claims":{"repository":"acme/{{{repository}}}","workflow_ref":{"file":"publish.yml"}},"permissions":["createPackage"]}""");
        var (status, json) = await ExchangeAsync(package, host.Issuer.Mint("npm:localhost", LocalOidcIssuer.GitHubJob("acme/" + repository, "publish.yml")));
        Assert.Equal(HttpStatusCode.Created, status);
        return json.GetProperty("token").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> ExchangeAsync(string package, string? idToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Exchange + package.Replace("/", "%2f", StringComparison.Ordinal));
        if (idToken is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + idToken);
        }

        using var response = await host.Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string target, string token, string? json = null, string? otp = null)
    {
        var request = new HttpRequestMessage(method, target);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (otp is not null)
        {
            request.Headers.TryAddWithoutValidation("npm-otp", otp);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return host.Client.SendAsync(request);
    }

    private static string PublishBody(string name, string version) => new System.Text.Json.Nodes.JsonObject
    {
        ["_id"] = name,
        ["name"] = name,
        ["dist-tags"] = new System.Text.Json.Nodes.JsonObject { ["latest"] = version },
        ["versions"] = new System.Text.Json.Nodes.JsonObject { [version] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["version"] = version } },
        ["_attachments"] = new System.Text.Json.Nodes.JsonObject { [$"{name}-{version}.tgz"] = new System.Text.Json.Nodes.JsonObject { ["data"] = "AA==", ["length"] = 1 } },
    }.ToJsonString();
}
