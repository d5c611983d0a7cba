using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Issue 23 end to end: a maintainer configures a trusted publisher with the real <c>npm trust</c> (npm 12, a second
/// factor required), and the real npm 11 in a GitHub-Actions-like job — no token configured, its id token fetched from
/// the local issuer as from GitHub's endpoint — publishes through the gateway to the real Verdaccio as the account of
/// <c>Gateway:TrustedPublishing:RegistryToken</c>. Then what an attacker tries: another workflow, a replayed or foreign id
/// token, another package, governance with the exchanged token, a trust change with a stolen token alone; and npm 12 with
/// its id token in <c>NPM_ID_TOKEN</c> staging under a stage-only configuration, for a maintainer to approve (after
/// <c>npm trust gitlab</c> and <c>npm trust circleci</c> configurations made, listed and revoked). The answers'
/// shapes and the remaining id-token checks are host-tested (TrustedPublishingHostTests).
/// </summary>
[Collection(SecondRegistryCollection.Name)]
public sealed class TrustedPublishingTests(RegistryFixture registry) : IAsyncLifetime
{
    private LocalOidcIssuer _issuer = null!;
    private RegistryUser _ciBot = null!;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _issuer = await LocalOidcIssuer.StartAsync();
        _ciBot = await registry.CreateUserAsync("cibot");
        _gateway = await registry.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway__TrustedPublishing__Issuers__0__Issuer"] = _issuer.Issuer,
            ["Gateway__TrustedPublishing__Issuers__0__Type"] = "github",
            ["Gateway__TrustedPublishing__RegistryToken"] = _ciBot.Token,
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task NpmTrustWithACode_ThenCiPublishesWithNoStoredSecret_AsTheRegistryAccount_AndNothingElse()
    {
        var maintainer = await _gateway.EnrolAsync(await registry.CreateUserAsync("maint"));
        var package = RegistryFixture.UniquePackageName("trusted");
        using var owner = new NpmCli(_gateway.RegistryUrl) { BinFolder = RepoPaths.ClientBin("npm12") };
        owner.SetToken(maintainer.Token);
        var folder = owner.CreatePackage(package, "1.0.0");
        await owner.SucceedsAsync(folder, "publish", "--otp=" + await Totp.CodeAsync(maintainer.Secret));

        // A stolen token alone cannot make a trusted publisher: npm has no terminal to prompt, so EOTP, nothing stored.
        string[] trust = ["trust", "github", package, "--file", "publish.yml", "--repo", "acme/" + package, "--allow-publish", "-y"];
        var challenged = await owner.RunAsync(folder, trust);
        Assert.False(challenged.Succeeded, challenged.ToString());
        Assert.Contains("EOTP", challenged.Stderr);
        await owner.SucceedsAsync(folder, [.. trust, "--otp=" + await Totp.CodeAsync(maintainer.Secret)]);
        var listed = await owner.RunAsync(folder, "trust", "list", package, "--json", "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        Assert.True(listed.Succeeded, listed.ToString());
        Assert.Contains("publish.yml", listed.Stdout);

        // The CI job: npm 11.21, GitHub Actions' variables, no token anywhere.
        using var ci = CiJob("acme/" + package, "publish.yml");
        await ci.SucceedsAsync(ci.CreatePackage(package, "1.0.1"), "publish");
        var packument = await registry.Verdaccio.GetPackumentAsync(package) ?? throw new Xunit.Sdk.XunitException(package + " is gone");
        Assert.Equal("11.21.2", packument["versions"]?["1.0.1"]?["_npmVersion"]?.GetValue<string>());
        // Verdaccio shows no publisher to readers: the gateway's log says whose credential published it, and for whom.
        Assert.True(_gateway.Output.HasLine("publish", package, "forwarded with the trusted-publishing registry credential", "project=acme/" + package), _gateway.Output.Tail());
        Assert.True(_gateway.Output.HasLine("Trusted-publishing token for " + package, "publishing as " + _ciBot.Name), _gateway.Output.Tail());
        Assert.False(_gateway.Output.Contains(_ciBot.Token), "the registry token was logged");
        Assert.Contains("npm:127.0.0.1", _issuer.RequestedAudiences);

        // Another workflow of the same repository: no exchange, so npm has no credential; nothing published.
        using var other = CiJob("acme/" + package, "nightly.yml");
        var refused = await other.RunAsync(other.CreatePackage(package, "1.0.2"), "publish");
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Null((await registry.Verdaccio.GetPackumentAsync(package))?["versions"]?["1.0.2"]);

        // One id token, one exchange; a token of an issuer the gateway does not trust, or for another package: refused.
        _issuer.JobClaims = LocalOidcIssuer.GitHubJob("acme/" + package, "publish.yml");
        var idToken = _issuer.Mint("npm:127.0.0.1", _issuer.JobClaims);
        var exchanged = await ExchangeAsync(package, idToken);
        Assert.Equal(HttpStatusCode.Created, exchanged.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ExchangeAsync(package, idToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ExchangeAsync(package, LocalOidcIssuer.Offline(_issuer.Issuer + "/other").Mint("npm:127.0.0.1", _issuer.JobClaims))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ExchangeAsync(RegistryFixture.UniquePackageName("elsewhere"), _issuer.Mint("npm:127.0.0.1", _issuer.JobClaims))).Status);

        // The exchanged token cannot govern: dist-tags, owners, tokens.
        using var stolen = new NpmCli(_gateway.RegistryUrl) { BinFolder = RepoPaths.ClientBin("npm11") };
        stolen.SetToken(exchanged.Json!["token"]!.GetValue<string>());
        foreach (var command in new[] { new[] { "dist-tag", "add", package + "@1.0.0", "beta" }, ["owner", "add", _ciBot.Name, package], ["token", "create", "--password", "x"] })
        {
            var governance = await stolen.RunAsync(stolen.NewFolder("governance"), command);
            Assert.False(governance.Succeeded, governance.ToString());
            Assert.True(governance.ToString().Contains("403", StringComparison.Ordinal), governance.ToString());
        }

        Assert.Null((await registry.Verdaccio.GetPackumentAsync(package))?["dist-tags"]?["beta"]);

        // Revoked with a code: the same workflow now publishes nothing.
        var id = JsonNode.Parse(listed.Stdout) is JsonArray array ? array[0]?["id"]?.GetValue<string>() : JsonNode.Parse(listed.Stdout)?["id"]?.GetValue<string>();
        await owner.SucceedsAsync(folder, "trust", "revoke", package, "--id", id!, "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        using var afterRevoke = CiJob("acme/" + package, "publish.yml");
        var late = await afterRevoke.RunAsync(afterRevoke.CreatePackage(package, "1.0.3"), "publish");
        Assert.False(late.Succeeded, late.ToString());
        Assert.Null((await registry.Verdaccio.GetPackumentAsync(package))?["versions"]?["1.0.3"]);
    }

    [Fact]
    public async Task Npm12WithAnIdTokenInItsEnvironment_StagesUnderAStageOnlyConfiguration_CannotPublish_AMaintainerApproves()
    {
        var maintainer = await _gateway.EnrolAsync(await registry.CreateUserAsync("maint12"));
        var package = RegistryFixture.UniquePackageName("staged-by-ci");
        using var owner = new NpmCli(_gateway.RegistryUrl) { BinFolder = RepoPaths.ClientBin("npm12") };
        owner.SetToken(maintainer.Token);
        var folder = owner.CreatePackage(package, "1.0.0");
        await owner.SucceedsAsync(folder, "publish", "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        await owner.SucceedsAsync(folder, "trust", "github", package, "--file", "release.yml", "--repo", "acme/" + package, "--allow-stage-publish", "-y",
            "--otp=" + await Totp.CodeAsync(maintainer.Secret));

        // npm 12's other providers' shapes are taken and listed too; one configuration per package, so each replaces the
        // last (revoke, then create), and the GitHub one ends up in place again.
        var revokeGithub = await TrustIdAsync(owner, folder, package, maintainer);
        await owner.SucceedsAsync(folder, "trust", "revoke", package, "--id", revokeGithub, "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        await owner.SucceedsAsync(folder, "trust", "gitlab", package, "--file", ".gitlab-ci.yml", "--project", "acme/" + package, "--allow-publish", "-y",
            "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        var gitlab = await TrustIdAsync(owner, folder, package, maintainer, expected: ".gitlab-ci.yml");
        await owner.SucceedsAsync(folder, "trust", "revoke", package, "--id", gitlab, "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        await owner.SucceedsAsync(folder, "trust", "circleci", package, "--org-id", "6c2e2a3f-3e0b-4f7e-9a8e-2c1d0b9a8f70", "--project-id",
            "0f3c1c4e-5b7d-4f0a-8e2b-9a1d3c5e7f90", "--pipeline-definition-id", "b2d4f6a8-1c3e-4a5b-9d7f-0e2c4a6b8d10", "--vcs-origin",
            "github.com/acme/" + package, "--allow-publish", "-y", "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        var circleci = await TrustIdAsync(owner, folder, package, maintainer, expected: "github.com/acme/" + package);
        await owner.SucceedsAsync(folder, "trust", "revoke", package, "--id", circleci, "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        await owner.SucceedsAsync(folder, "trust", "github", package, "--file", "release.yml", "--repo", "acme/" + package, "--allow-stage-publish", "-y",
            "--otp=" + await Totp.CodeAsync(maintainer.Secret));

        // A GitLab- or CircleCI-style job hands npm its id token in NPM_ID_TOKEN (here of a GitHub-shaped workflow).
        using var ci = new NpmCli(_gateway.RegistryUrl) { BinFolder = RepoPaths.ClientBin("npm12") };
        ci.Environment["GITHUB_ACTIONS"] = "true";
        ci.Environment["NPM_ID_TOKEN"] = _issuer.Mint("npm:127.0.0.1", LocalOidcIssuer.GitHubJob("acme/" + package, "release.yml"));
        var direct = await ci.RunAsync(ci.CreatePackage(package, "1.0.1"), "publish");
        Assert.False(direct.Succeeded, direct.ToString());
        Assert.Null((await registry.Verdaccio.GetPackumentAsync(package))?["versions"]?["1.0.1"]);

        ci.Environment["NPM_ID_TOKEN"] = _issuer.Mint("npm:127.0.0.1", LocalOidcIssuer.GitHubJob("acme/" + package, "release.yml"));
        var staged = await ci.RunAsync(ci.CreatePackage(package, "1.1.0"), "stage", "publish");
        Assert.True(staged.Succeeded, staged.ToString());
        Assert.Null((await registry.Verdaccio.GetPackumentAsync(package))?["versions"]?["1.1.0"]);

        var list = await owner.RunAsync(folder, "stage", "list", package, "--json");
        Assert.True(list.Succeeded, list.ToString());
        var id = System.Text.RegularExpressions.Regex.Match(list.Stdout, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").Value;
        Assert.NotEmpty(id);
        await owner.SucceedsAsync(folder, "stage", "approve", id, "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        Assert.NotNull((await registry.Verdaccio.GetPackumentAsync(package))?["versions"]?["1.1.0"]);
    }

    /// <summary>The id of the package's one trust configuration, as <c>npm trust list --json</c> shows it.</summary>
    private static async Task<string> TrustIdAsync(NpmCli owner, string folder, string package, TwoFactorUser maintainer, string expected = "release.yml")
    {
        var listed = await owner.RunAsync(folder, "trust", "list", package, "--json", "--otp=" + await Totp.CodeAsync(maintainer.Secret));
        Assert.True(listed.Succeeded, listed.ToString());
        Assert.Contains(expected, listed.Stdout);
        var json = JsonNode.Parse(listed.Stdout);
        return (json is JsonArray array ? array[0]?["id"] : json?["id"])?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException("no id: " + listed.Stdout);
    }

    /// <summary>npm 11.21 as a GitHub Actions job of <paramref name="repository"/> running <paramref name="workflow"/> sees it: no token configured.</summary>
    private NpmCli CiJob(string repository, string workflow)
    {
        _issuer.JobClaims = LocalOidcIssuer.GitHubJob(repository, workflow);
        var npm = new NpmCli(_gateway.RegistryUrl) { BinFolder = RepoPaths.ClientBin("npm11") };
        npm.Environment["GITHUB_ACTIONS"] = "true";
        npm.Environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = _issuer.RequestUrl;
        npm.Environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = _issuer.RequestToken;
        return npm;
    }

    private Task<HttpAnswer> ExchangeAsync(string package, string idToken) =>
        _gateway.SendAsync(HttpMethod.Post, "-/npm/v1/oidc/token/exchange/package/" + VerdaccioProcess.EncodeName(package), idToken);
}
