using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>A user without 2FA: every everyday npm command works through the gateway exactly as it does
/// against the registry itself. Each test asserts npm's exit code and then the registry's state, read
/// from Verdaccio directly (not through the gateway).</summary>
[Collection(RegistryCollection.Name)]
public sealed class NpmThroughGatewayTests(RegistryFixture registry)
{
    [Fact]
    public async Task Publish_Unscoped_PackageStoredUpstream()
    {
        var (npm, _) = await DeveloperAsync();
        using var _npm = npm;
        var name = RegistryFixture.UniquePackageName("plain");

        await PublishAsync(npm, name, "1.0.0");

        var packument = await PackumentAsync(name);
        Assert.Equal("1.0.0", packument["dist-tags"]?["latest"]?.GetValue<string>());
        Assert.NotNull(packument["versions"]?["1.0.0"]);
        Assert.Equal(HttpStatusCode.OK, await registry.Verdaccio.GetStatusAsync($"{name}/-/{name}-1.0.0.tgz"));
    }

    [Fact]
    public async Task Publish_Scoped_PackageStoredUpstream()
    {
        var (npm, _) = await DeveloperAsync();
        using var _npm = npm;
        var name = RegistryFixture.UniquePackageName("scoped", scope: "acme");
        var bare = name.Split('/')[1];

        await PublishAsync(npm, name, "1.0.0");

        var packument = await PackumentAsync(name);
        Assert.Equal(name, packument["name"]?.GetValue<string>());
        Assert.Equal("1.0.0", packument["dist-tags"]?["latest"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await registry.Verdaccio.GetStatusAsync($"{name}/-/{bare}-1.0.0.tgz"));
    }

    [Fact]
    public async Task View_PublishedPackage_ShowsVersionsAndTags()
    {
        var (npm, _) = await DeveloperAsync();
        using var _npm = npm;
        var name = RegistryFixture.UniquePackageName("viewed");
        await PublishAsync(npm, name, "1.0.0");
        await PublishAsync(npm, name, "1.2.0");

        var view = await npm.RunAsync(npm.NewFolder("view"), "view", name, "--json");

        Assert.True(view.Succeeded, view.ToString());
        var json = JsonNode.Parse(view.Stdout)!;
        Assert.Equal(name, json["name"]?.GetValue<string>());
        Assert.Equal("1.2.0", json["dist-tags"]?["latest"]?.GetValue<string>());
        Assert.Equal(["1.0.0", "1.2.0"], json["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Install_PublishedPackage_TarballFetchedThroughGateway()
    {
        var (npm, gateway) = await DeveloperAsync();
        using var _npm = npm;
        var name = RegistryFixture.UniquePackageName("installed", scope: "acme");
        await PublishAsync(npm, name, "2.0.0");

        // A different developer (own cache, anonymous) installs it into a fresh project.
        using var consumer = new NpmCli(gateway.RegistryUrl);
        var project = consumer.NewFolder("consumer");
        await File.WriteAllTextAsync(Path.Combine(project, "package.json"), """{"name":"consumer","version":"1.0.0","private":true}""");

        var install = await consumer.RunAsync(project, "install", name);

        Assert.True(install.Succeeded, install.ToString());
        var installed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(project, "node_modules", name, "package.json")))!;
        Assert.Equal("2.0.0", installed["version"]?.GetValue<string>());
        // The tarball URL npm used (and recorded) must be the gateway's, not Verdaccio's: a packument that
        // leaks the upstream's address would send every client around the gateway.
        var lockFile = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(project, "package-lock.json")))!;
        var resolved = lockFile["packages"]?[$"node_modules/{name}"]?["resolved"]?.GetValue<string>();
        Assert.NotNull(resolved);
        Assert.StartsWith(gateway.Url + "/", resolved);
        Assert.DoesNotContain($":{registry.Verdaccio.Port}/", resolved);
    }

    [Fact]
    public async Task DistTag_AddThenRemove_TagsChangeUpstream()
    {
        var (npm, _) = await DeveloperAsync();
        using var _npm = npm;
        var name = RegistryFixture.UniquePackageName("tagged");
        var cwd = npm.NewFolder("tags");
        await PublishAsync(npm, name, "1.0.0");
        await PublishAsync(npm, name, "1.1.0");

        var add = await npm.RunAsync(cwd, "dist-tag", "add", $"{name}@1.0.0", "stable");

        Assert.True(add.Succeeded, add.ToString());
        Assert.Equal("1.0.0", (await PackumentAsync(name))["dist-tags"]?["stable"]?.GetValue<string>());

        var remove = await npm.RunAsync(cwd, "dist-tag", "rm", name, "stable");

        Assert.True(remove.Succeeded, remove.ToString());
        var tags = (await PackumentAsync(name))["dist-tags"]!.AsObject();
        Assert.False(tags.ContainsKey("stable"), tags.ToJsonString());
        Assert.Equal("1.1.0", tags["latest"]?.GetValue<string>());
    }

    [Fact]
    public async Task Deprecate_Version_MessageStoredUpstream()
    {
        var (npm, _) = await DeveloperAsync();
        using var _npm = npm;
        var name = RegistryFixture.UniquePackageName("deprecated", scope: "acme");
        await PublishAsync(npm, name, "1.0.0");
        await PublishAsync(npm, name, "1.0.1");
        const string message = "please use 1.0.1";

        var deprecate = await npm.RunAsync(npm.NewFolder("deprecate"), "deprecate", $"{name}@1.0.0", message);

        Assert.True(deprecate.Succeeded, deprecate.ToString());
        var versions = (await PackumentAsync(name))["versions"]!;
        Assert.Equal(message, versions["1.0.0"]?["deprecated"]?.GetValue<string>());
        Assert.Null(versions["1.0.1"]?["deprecated"]);
    }

    [Fact]
    public async Task UnpublishVersion_Scoped_OnlyThatVersionRemovedUpstream()
    {
        // npm's sequence: GET ?write=true, PUT /-rev/…, GET ?write=true, DELETE /-/<tarball>/-rev/…
        var (npm, _) = await DeveloperAsync();
        using var _npm = npm;
        var name = RegistryFixture.UniquePackageName("halfgone", scope: "acme");
        var bare = name.Split('/')[1];
        await PublishAsync(npm, name, "1.0.0");
        await PublishAsync(npm, name, "1.1.0");

        var unpublish = await npm.RunAsync(npm.NewFolder("unpublish"), "unpublish", $"{name}@1.0.0");

        Assert.True(unpublish.Succeeded, unpublish.ToString());
        var packument = await PackumentAsync(name);
        var versions = packument["versions"]!.AsObject();
        Assert.False(versions.ContainsKey("1.0.0"), versions.ToJsonString());
        Assert.True(versions.ContainsKey("1.1.0"), versions.ToJsonString());
        Assert.Equal("1.1.0", packument["dist-tags"]?["latest"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, await registry.Verdaccio.GetStatusAsync($"{name}/-/{bare}-1.0.0.tgz"));
        Assert.Equal(HttpStatusCode.OK, await registry.Verdaccio.GetStatusAsync($"{name}/-/{bare}-1.1.0.tgz"));
    }

    [Fact]
    public async Task UnpublishForce_WholePackageRemovedUpstream()
    {
        var (npm, _) = await DeveloperAsync();
        using var _npm = npm;
        var name = RegistryFixture.UniquePackageName("allgone");
        await PublishAsync(npm, name, "1.0.0");
        await PublishAsync(npm, name, "1.0.1");

        var unpublish = await npm.RunAsync(npm.NewFolder("unpublish"), "unpublish", name, "--force");

        Assert.True(unpublish.Succeeded, unpublish.ToString());
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));
        Assert.Equal(HttpStatusCode.NotFound, await registry.Verdaccio.GetStatusAsync($"{name}/-/{name}-1.0.0.tgz"));
    }

    /// <summary>A fresh user without 2FA and an npm logged in as them, talking to the shared gateway.</summary>
    private async Task<(NpmCli Npm, GatewayProcess Gateway)> DeveloperAsync()
    {
        var gatewayTask = registry.SharedGatewayAsync();
        var userTask = registry.CreateUserAsync("dev");
        var gateway = await gatewayTask;
        var user = await userTask;
        var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(user.Token);
        return (npm, gateway);
    }

    private static async Task PublishAsync(NpmCli npm, string name, string version)
    {
        var result = await npm.RunAsync(npm.CreatePackage(name, version), "publish");
        Assert.True(result.Succeeded, result.ToString());
    }

    private async Task<JsonNode> PackumentAsync(string name) =>
        await registry.Verdaccio.GetPackumentAsync(name)
        ?? throw new Xunit.Sdk.XunitException($"{name} does not exist upstream.");
}
