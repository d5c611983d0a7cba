using System.Net;
using System.Text.Json;
using Gateway.Automation;
using Gateway.TwoFactor;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The host with <c>Gateway:Staging:Mode</c> = <c>upstream</c> (the stub registry answers the stage API, as Verdaccio 9
/// with <c>flags.stage</c> does), and config/package-rules.json asking staged publishes of <c>@staged/*</c> from
/// everyone and of <c>ci-*</c> from tokens.
/// </summary>
public sealed class StagingGatewayHost : GatewayHost
{
    private static readonly string RulesFile = WriteRules();

    protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string>
    {
        ["Gateway:Staging:Mode"] = "upstream",
        ["Gateway:PackageRulesFile"] = RulesFile,
    };

    private static string WriteRules()
    {
        var file = Path.Combine(Path.GetTempPath(), "package-rules-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """
            {"packages":[{"match":"@staged/*","staging":"required"},{"match":"ci-*","staging":"required-for-tokens"}]}
            """);
        return file;
    }
}

/// <summary>
/// Staged publishing's rules at the one decision (docs/SECURITY.md, "Staged publishing"), in front of a registry with its
/// own stage API: approving and rejecting take a verified second factor from an account with 2FA, in both modes, with
/// every credential; a stage-only token stages what it covers and nothing else; a package whose publishes must be staged
/// refuses direct publishes on every publish route, while staging and approving go on. Nothing refused reaches the registry.
/// </summary>
public sealed partial class StagingHostTests(StagingGatewayHost host) : IClassFixture<StagingGatewayHost>
{
    private const string StageId = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    private const string Approve = "/-/stage/" + StageId + "/approve";
    private const string Reject = "/-/stage/" + StageId;

    [Fact]
    public async Task Approve_ByAnAccountWithout2fa_Is403EnableTwoFactor_NotForwarded()
    {
        var user = Unique("nat");
        var before = Forwarded("POST", Approve);

        var (status, error) = await SendAsync(user + "-token", HttpMethod.Post, Approve, otp: "123456");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.StartsWith("Please enable 2fa for your account", error, StringComparison.Ordinal);
        Assert.Equal(before, Forwarded("POST", Approve));
    }

    [Fact]
    public async Task ApproveAndReject_InAuthOnlyMode_AreChallengedWithoutACode_AndForwardedWithOne()
    {
        var user = Unique("ora");
        var secret = await host.EnrolAsync(user, "auth-only");
        var approvedBefore = Forwarded("POST", Approve);

        using (var challenged = await host.Client.SendAsync(GatewayHost.As(user, HttpMethod.Post, Approve)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
            Assert.Contains("otp", challenged.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(approvedBefore, Forwarded("POST", Approve));
        var code = TotpCodes.Compute(secret, DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(user + "-token", HttpMethod.Post, Approve, otp: code)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(user + "-token", HttpMethod.Delete, Reject, otp: code)).Status);
        var forwarded = host.Registry.Requests.Last(r => r.Method == "POST" && r.RawTarget == Approve);
        Assert.False(forwarded.Headers.ContainsKey("npm-otp"));
        Assert.Equal("Bearer " + user + "-token", forwarded.Headers["Authorization"]);
    }

    [Fact]
    public async Task Approve_WithNpmsWebAuth_IsApprovedOnThePage_ThenForwardedWithTheApprovalsToken()
    {
        var user = Unique("wes");
        var secret = await host.EnrolAsync(user);
        var before = Forwarded("POST", Approve);

        using var challenge = await host.Client.SendAsync(Web(WithToken(user + "-token", HttpMethod.Post, Approve)));
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var urls = JsonDocument.Parse(await challenge.Content.ReadAsStringAsync()).RootElement;
        var authPath = new Uri(urls.GetProperty("authUrl").GetString()!).AbsolutePath;
        using (var browser = host.NewBrowser())
        {
            var page = await (await browser.GetAsync(authPath)).Content.ReadAsStringAsync();
            Assert.Contains("stage-approve", page, StringComparison.Ordinal);
            using var approval = await browser.PostAsync(authPath, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = PageForms.AntiforgeryToken(page),
                ["code"] = TotpCodes.Compute(secret, DateTimeOffset.UtcNow),
            }));
            Assert.Contains("id=\"approved\"", await approval.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var done = await host.Client.GetAsync(new Uri(urls.GetProperty("doneUrl").GetString()!).AbsolutePath);
        var approvalToken = JsonDocument.Parse(await done.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        Assert.Equal(before, Forwarded("POST", Approve));

        using var approved = await host.Client.SendAsync(Web(WithToken(user + "-token", HttpMethod.Post, Approve, otp: approvalToken)));
        Assert.Equal(HttpStatusCode.Created, approved.StatusCode);
        Assert.Equal(before + 1, Forwarded("POST", Approve));
    }

    [Fact]
    public async Task StolenBypassToken_CannotApprove_WithoutTheOwnersCode()
    {
        var user = Unique("bea");
        await host.EnrolAsync(user);
        var token = await RecordAsync(user, bypass: true);
        var before = Forwarded("POST", Approve);

        using var response = await host.Client.SendAsync(WithToken(token, HttpMethod.Post, Approve));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("otp", response.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, Forwarded("POST", Approve));
    }

    [Fact]
    public async Task StageOnlyToken_StagesItsPackage_NothingElse()
    {
        var user = Unique("sol");
        var secret = await host.EnrolAsync(user);
        var token = await RecordAsync(user, TokenPermission.StageOnly, packages: ["demo-pkg"]);

        Assert.Equal(HttpStatusCode.Created, (await SendAsync(token, HttpMethod.Post, "/-/stage/package/demo-pkg", PublishBody("demo-pkg"))).Status);

        var (otherStatus, otherError) = await SendAsync(token, HttpMethod.Post, "/-/stage/package/other-pkg", PublishBody("other-pkg"));
        Assert.Equal((HttpStatusCode.Forbidden, "This token cannot stage-publish other-pkg: it is limited to demo-pkg."), (otherStatus, otherError));

        var (publishStatus, publishError) = await SendAsync(token, HttpMethod.Put, "/demo-pkg", PublishBody("demo-pkg"));
        Assert.Equal(HttpStatusCode.Forbidden, publishStatus);
        Assert.Contains("npm stage publish", publishError, StringComparison.Ordinal);

        // Even with the owner's valid code: approving is a person's, not the token's.
        var code = TotpCodes.Compute(secret, DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(token, HttpMethod.Post, Approve, otp: code)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(token, HttpMethod.Delete, Reject, otp: code)).Status);
        Assert.DoesNotContain(host.Registry.Requests, r => r.Headers.TryGetValue("Authorization", out var a) && a == "Bearer " + token
            && (r.Method != "POST" || r.RawTarget != "/-/stage/package/demo-pkg") && r.RawTarget != "/-/whoami");
    }

    [Theory]
    [InlineData("PUT", "/@staged%2flib")]
    [InlineData("PUT", "/@staged%2flib/1.0.1/-tag/latest")] // Verdaccio's addVersion
    [InlineData("PUT", "/@staged%2flib/-/lib-1.0.1.tgz/whatever")] // Verdaccio's tarball upload
    [InlineData("PUT", "/-/pnpr/v0/publish")] // pnpm's batch names no package: any staging rule refuses it
    public async Task PackageThatMustBeStaged_DirectPublishOnEveryRoute_Is403NamingNpmStagePublish(string method, string target)
    {
        var user = Unique("pia");

        var (status, error) = await SendAsync(user + "-token", new HttpMethod(method), target, PublishBody("@staged/lib"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("npm stage publish", error, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget == target);
    }

    [Fact]
    public async Task PackageThatMustBeStaged_IsStillStagedAndApproved()
    {
        var user = Unique("sta");
        var secret = await host.EnrolAsync(user);

        Assert.Equal(HttpStatusCode.Created, (await SendAsync(user + "-token", HttpMethod.Post, "/-/stage/package/@staged%2flib", PublishBody("@staged/lib"))).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(user + "-token", HttpMethod.Post, Approve, otp: TotpCodes.Compute(secret, DateTimeOffset.UtcNow))).Status);
    }

    [Fact]
    public async Task StagedForTokens_RefusesACreatedToken_LetsAPersonsLoginPublish()
    {
        var token = await RecordAsync(Unique("tia"));
        var login = await RecordAsync(Unique("lia"), login: true);

        var (status, error) = await SendAsync(token, HttpMethod.Put, "/ci-tool", PublishBody("ci-tool"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("ci-tool must be published through staging when a token publishes", error, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget == "/ci-tool" && r.Headers["Authorization"] == "Bearer " + token);

        // A person without 2FA, logged in through the gateway: the publish goes on to the registry (the stub knows no ci-tool).
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(login, HttpMethod.Put, "/ci-tool", PublishBody("ci-tool"))).Status);
    }

    [Fact]
    public async Task AccountPage_MaintainerRequiresStagingForTokens_WithASecondFactor_OthersMayNot()
    {
        // tarball-pkg: the stub's packument lists no maintainers, so its publishers through the gateway are.
        var owner = Unique("mae");
        var ownerSecret = await host.EnrolAsync(owner);
        await host.Services.GetRequiredService<PackageRuleBook>().AddPublisherAsync("tarball-pkg", owner, default);
        var stranger = Unique("sid");
        var strangerSecret = await host.EnrolAsync(stranger);
        var token = await RecordAsync(Unique("cio"));

        using (var browser = await PageForms.SignedInAsync(host, stranger, strangerSecret))
        {
            var (status, page) = await SetStagingAsync(browser, "tarball-pkg", "required");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("Only a maintainer of tarball-pkg can change its staging rule", page, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(token, HttpMethod.Put, "/tarball-pkg", PublishBody("tarball-pkg"))).Status);
        using (var browser = await PageForms.SignedInAsync(host, owner, ownerSecret))
        {
            var (status, page) = await SetStagingAsync(browser, "tarball-pkg", "required-for-tokens");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("Staging rule of tarball-pkg set to required-for-tokens.", page, StringComparison.Ordinal);
        }

        var (refused, error) = await SendAsync(token, HttpMethod.Put, "/tarball-pkg", PublishBody("tarball-pkg"));
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("tarball-pkg must be published through staging when a token publishes", error, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Page)> SetStagingAsync(HttpClient browser, string package, string rule)
    {
        var account = await browser.GetStringAsync("/-/gateway/account/");
        Assert.Contains("id=\"package-staging\"", account, StringComparison.Ordinal);
        using var response = await PageForms.PostAsync(browser, "/-/gateway/account/package-staging", account, new() { ["package"] = package, ["staging"] = rule });
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }


    private static HttpRequestMessage Web(HttpRequestMessage request)
    {
        request.Headers.Add("npm-auth-type", "web");
        request.Headers.Add("npm-command", "stage");
        return request;
    }


    private static string Unique(string user) => user + "-" + Guid.NewGuid().ToString("N")[..8];

    private int Forwarded(string method, string target) => host.Registry.Requests.Count(r => r.Method == method && r.RawTarget == target);

    private static string PublishBody(string name) =>
        """{"_id":"NAME","name":"NAME","dist-tags":{"latest":"1.0.1"},"versions":{"1.0.1":{"name":"NAME","version":"1.0.1"}},"_attachments":{"NAME-1.0.1.tgz":{"content_type":"application/octet-stream","data":"H4sI","length":3}}}"""
            .Replace("NAME", name, StringComparison.Ordinal);

    /// <summary>Records a token for <paramref name="user"/> the way the gateway records one it saw created (the stub mints none).</summary>
    /// <returns>The token, which the stub registry's whoami says belongs to <paramref name="user"/>.</returns>
    private async Task<string> RecordAsync(string user, TokenPermission permission = TokenPermission.ReadWrite, string[]? packages = null, bool bypass = false, bool login = false)
    {
        // The stub registry's convention: <user>-token belongs to <user> (each test has its own user).
        var token = user + "-token";
        var attributes = login
            ? TokenAttributes.ForLogin(user, DateTimeOffset.UtcNow, null)
            : new TokenAttributes(user, "key-" + token, "ci", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), packages ?? [], [], permission, [], bypass);
        await host.Services.GetRequiredService<TokenLedger>().RecordAsync(attributes, token, default);
        return token;
    }

    private static HttpRequestMessage WithToken(string token, HttpMethod method, string target, string? json = null, string? otp = null)
    {
        var request = new HttpRequestMessage(method, target);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        if (otp is not null)
        {
            request.Headers.Add("npm-otp", otp);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<(HttpStatusCode Status, string? Error)> SendAsync(string token, HttpMethod method, string target, string? json = null, string? otp = null)
    {
        using var request = WithToken(token, method, target, json, otp);
        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var error = body.StartsWith('{') && JsonDocument.Parse(body).RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        return (response.StatusCode, error);
    }
}
