using System.Text.Json.Nodes;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>
/// Trusted publishing (README, "Trusted publishing") with the clients' own exchange: a maintainer trusts a GitHub
/// workflow (a second factor), then the client runs as that workflow's job — GitHub Actions' variables, its id token
/// from the matrix's local issuer, no credential configured — and publishes as the registry account of
/// <c>Gateway:TrustedPublishing:RegistryToken</c>. pnpm 12 and Yarn 4 post the exchange under the registry's URL with
/// the audience <c>npm:&lt;host:port&gt;</c> (docs/PROTOCOL.md); npm 11 and 12 are the integration test's
/// (<c>TrustedPublishingTests</c>).
/// </summary>
public sealed class TrustedPublishingCells : MatrixTest
{
    public static TheoryData<string> Clients => new() { "pnpm12", "yarn4" };

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Publish_AsTrustedWorkflow_NoStoredCredential(string client)
    {
        var maintainer = await World.NewTwoFactorUserAsync(client);
        var name = UniquePackageName(client, "trusted");
        var repository = "acme/" + name;
        await TrustWorkflowAsync(maintainer, name, repository, "publish.yml");
        World.Issuer.JobClaims = LocalOidcIssuer.GitHubJob(repository, "publish.yml");
        var job = Session(client, token: null);
        job.Variables["GITHUB_ACTIONS"] = "true";
        job.Variables["ACTIONS_ID_TOKEN_REQUEST_URL"] = World.Issuer.RequestUrl;
        job.Variables["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = World.Issuer.RequestToken;
        var folder = await job.CreatePackageAsync(name, "1.0.1");

        var result = await job.RunAsync(folder, job.Client.Publish(null));

        AssertSucceeded(result);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.1"]);
        Assert.Contains("npm:" + new Uri(World.RegistryUrl).Authority, World.Issuer.RequestedAudiences);
        Assert.True(await Gateway.Output.WaitForLineAsync("publish of " + name, "forwarded with the trusted-publishing registry credential", "project=" + repository), Gateway.Output.Tail());
    }

    /// <summary>Set-up, through the gateway as <c>npm publish</c> and <c>npm trust github</c> send it: the maintainer's first
    /// version (the gateway then knows them as a publisher: Verdaccio lists no maintainers), then the trust configuration.</summary>
    private async Task TrustWorkflowAsync(TwoFactorUser maintainer, string name, string repository, string workflow)
    {
        var code = await CodeAsync(maintainer);
        var published = await Gateway.SendAsync(HttpMethod.Put, "/" + VerdaccioProcess.EncodeName(name), maintainer.Token, code, PublishDocuments.Create(name, "1.0.0"));
        Assert.True(published.Status is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.Created, published.ToString());
        var trust = new JsonArray(new JsonObject
        {
            ["type"] = "github",
            ["claims"] = new JsonObject { ["repository"] = repository, ["workflow_ref"] = new JsonObject { ["file"] = workflow } },
            ["permissions"] = new JsonArray("createPackage"),
        });
        var trusted = await Gateway.SendAsync(HttpMethod.Post, $"/-/package/{VerdaccioProcess.EncodeName(name)}/trust", maintainer.Token, code, trust);
        Assert.True(trusted.Status == System.Net.HttpStatusCode.OK, trusted.ToString());
    }
}
