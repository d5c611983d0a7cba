using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Staged publishing answered by the gateway in front of Verdaccio 6.8, which has no stage API: the real npm 11.21
/// (<c>npm stage publish|list|view|download|approve|reject</c>) through the gateway, the approval on another instance
/// than the one that staged (two gateways on one redis-server), the refusals npm's API names, and expiry with a short
/// <c>Gateway:Staging:MaxAge</c>.
/// </summary>
[Collection(ThirdRegistryCollection.Name)]
public sealed partial class StagedPublishingTests(RegistryFixture registry, ClassGateway classGateway) : IClassFixture<ClassGateway>
{
    private const int MaxTarballBytes = 64 * 1024;

    private static readonly Dictionary<string, string?> s_staging = new()
    {
        ["Gateway__Staging__MaxTarballBytes"] = MaxTarballBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task NpmStage_PublishListViewDownload_StolenTokenCannotApproveOrReject_ApprovedOnAnotherInstance_IsInTheRegistry()
    {
        var gateway = await GatewayAsync();
        await using var other = await registry.StartGatewayAsync(s_staging);
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("stager"));
        using var npm = Npm(gateway, alice.Token);
        var name = RegistryFixture.UniquePackageName("staged", scope: "acme");

        // CI stages without a code: npm never asks for one here, and the gateway never challenges it.
        var staged = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "stage", "publish");
        Assert.True(staged.Succeeded, staged.ToString());
        var id = StagedId().Match(staged.Stdout).Groups[1].Value;
        Assert.Matches(StagedId(), staged.Stdout);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));

        var cwd = npm.NewFolder("review");
        var list = await npm.RunAsync(cwd, "stage", "list", "--json");
        Assert.True(list.Succeeded, list.ToString());
        var listed = Assert.Single(JsonNode.Parse(list.Stdout)!.AsArray(), i => i?["id"]?.GetValue<string>() == id)!;
        Assert.Equal(name, listed["packageName"]?.GetValue<string>());
        Assert.Equal(alice.Name, listed["actor"]?.GetValue<string>());

        var view = await npm.RunAsync(cwd, "stage", "view", id, "--json");
        Assert.True(view.Succeeded, view.ToString());
        Assert.Equal("1.0.0", JsonNode.Parse(view.Stdout)?["version"]?.GetValue<string>());

        var download = await npm.RunAsync(cwd, "stage", "download", id);
        Assert.True(download.Succeeded, download.ToString());
        Assert.True(File.Exists(Path.Combine(cwd, $"{name.TrimStart('@').Replace('/', '-')}-1.0.0-{id}.tgz")), download.ToString());

        // A stolen token (no second factor) stages harmlessly, but cannot approve or reject.
        var approveWithoutCode = await npm.RunAsync(cwd, "stage", "approve", id);
        var rejectWithoutCode = await npm.RunAsync(cwd, "stage", "reject", id);
        Assert.Contains("EOTP", approveWithoutCode.Stderr);
        Assert.Contains("EOTP", rejectWithoutCode.Stderr);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));

        // Approved with a code on the other instance: the registry has the version, and it installs.
        using var onOther = Npm(other, alice.Token);
        var approved = await onOther.RunAsync(onOther.NewFolder("approve"), "stage", "approve", id, "--otp", await Totp.CodeAsync(alice.Secret));
        Assert.True(approved.Succeeded, approved.ToString());
        Assert.Equal("1.0.0", (await registry.Verdaccio.GetPackumentAsync(name))?["dist-tags"]?["latest"]?.GetValue<string>());
        var install = await npm.RunAsync(npm.CreatePackage("consumer-" + Guid.NewGuid().ToString("N")[..6], "1.0.0"), "install", $"{name}@1.0.0");
        Assert.True(install.Succeeded, install.ToString());

        var after = await npm.RunAsync(cwd, "stage", "list", name, "--json");
        Assert.True(after.Succeeded, after.ToString());
        Assert.Empty(JsonNode.Parse(after.Stdout)!.AsArray());
        Assert.True(await other.Output.WaitForLineAsync($"Stage {id}: {name}@1.0.0, staged by {alice.Name}, approved by {alice.Name} and published"), other.Output.Tail());
    }

    [Fact]
    public async Task Refusals_PublishedStagedTwoVersionsTooLargeUnknownId_StrangerAndOtherUserSeeNothing_RejectRemoves()
    {
        var gateway = await GatewayAsync();
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("stagerefuse"));
        var bob = await registry.CreateUserAsync("stagebob");
        var name = RegistryFixture.UniquePackageName("refused");
        using var npm = Npm(gateway, alice.Token);
        var cwd = npm.NewFolder("refusals");
        await npm.SucceedsAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", await Totp.CodeAsync(alice.Secret));

        var published = await StageAsync(gateway, alice.Token, PublishDocuments.Create(name, "1.0.0"));
        var first = await StageAsync(gateway, alice.Token, PublishDocuments.Create(name, "1.1.0"));
        var again = await StageAsync(gateway, alice.Token, PublishDocuments.Create(name, "1.1.0"));
        var two = PublishDocuments.Create(name, "1.2.0");
        two["versions"]!["1.3.0"] = two["versions"]!["1.2.0"]!.DeepClone();
        var twoVersions = await StageAsync(gateway, alice.Token, two);
        var large = PublishDocuments.Create(name, "1.4.0");
        large["_attachments"]![$"{name}-1.4.0.tgz"]!["data"] = Convert.ToBase64String(new byte[MaxTarballBytes + 1]);
        var tooLarge = await StageAsync(gateway, alice.Token, large);

        Assert.True(published.Status == HttpStatusCode.Conflict, published.ToString());
        Assert.True(first.Status == HttpStatusCode.Created, first.ToString());
        var id = first.Json?["stageId"]?.GetValue<string>() ?? throw new InvalidOperationException(first.ToString());
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(HttpStatusCode.BadRequest, twoVersions.Status);
        Assert.Contains("exactly one version", twoVersions.Json?["error"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.SendAsync(HttpMethod.Get, $"/-/stage/{Guid.NewGuid()}", alice.Token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.SendAsync(HttpMethod.Get, "/-/stage/not-a-uuid", alice.Token)).Status);

        // A stranger from another address without a credential gets nothing; another account sees nothing of alice's.
        using var stranger = LoopbackClients.From("127.0.0.9", new Uri(gateway.RegistryUrl));
        foreach (var path in new[] { "/-/stage?page=0&perPage=100", $"/-/stage/{id}", $"/-/stage/{id}/tarball" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.SendRawAsync(HttpMethod.Get, path, null, null, null)).Status);
        }

        var bobsList = await gateway.SendAsync(HttpMethod.Get, "/-/stage?page=0&perPage=100", bob.Token);
        Assert.Equal(0, bobsList.Json?["total"]?.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.SendAsync(HttpMethod.Get, $"/-/stage/{id}/tarball", bob.Token)).Status);

        var rejected = await npm.RunAsync(cwd, "stage", "reject", id, "--otp", await Totp.CodeAsync(alice.Secret));
        Assert.True(rejected.Succeeded, rejected.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.SendAsync(HttpMethod.Get, $"/-/stage/{id}", alice.Token)).Status);
        Assert.Equal(HttpStatusCode.Created, (await StageAsync(gateway, alice.Token, PublishDocuments.Create(name, "1.1.0"))).Status);
    }

    [Fact]
    public async Task Expiry_StageOlderThanMaxAge_IsGoneAndAudited()
    {
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway__Staging__MaxAge"] = "00:00:01",
            ["Gateway__Staging__SweepInterval"] = "00:00:00.2",
        });
        var user = await registry.CreateUserAsync("stageexpiry");
        var name = RegistryFixture.UniquePackageName("expiring");

        var staged = await StageAsync(gateway, user.Token, PublishDocuments.Create(name, "1.0.0"));
        Assert.Equal(HttpStatusCode.Created, staged.Status);
        var id = staged.Json?["stageId"]?.GetValue<string>();

        Assert.True(await gateway.Output.WaitForLineAsync($"Stage {id} of {name}@1.0.0, staged by {user.Name}, expired"), gateway.Output.Tail());
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.SendAsync(HttpMethod.Get, $"/-/stage/{id}", user.Token)).Status);
        Assert.Contains("\"stage-expired\"", (await gateway.SendAsync(HttpMethod.Get, $"/-/gateway/audit?user={user.Name}", token: null)).Body);
        // The version is free again.
        Assert.Equal(HttpStatusCode.Created, (await StageAsync(gateway, user.Token, PublishDocuments.Create(name, "1.0.0"))).Status);
    }

    private static Task<HttpAnswer> StageAsync(GatewayProcess gateway, string token, JsonObject document) =>
        gateway.SendAsync(HttpMethod.Post, "/-/stage/package/" + VerdaccioProcess.EncodeName(document["name"]!.GetValue<string>()), token, body: document);

    private Task<GatewayProcess> GatewayAsync() => classGateway.GetAsync(() => registry.StartGatewayAsync(s_staging));

    private static NpmCli Npm(GatewayProcess gateway, string token)
    {
        var npm = new NpmCli(gateway.RegistryUrl, NpmCli.Pinned("npm11"));
        npm.SetToken(token);
        return npm;
    }

    [GeneratedRegex(@"staged with id ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")]
    private static partial Regex StagedId();
}
