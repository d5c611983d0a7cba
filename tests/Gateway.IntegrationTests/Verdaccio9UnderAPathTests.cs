using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Verdaccio 9 under a path, for real: <c>url_prefix</c> behind Debian's nginx under <c>/repository/npm-hosted/</c>, the
/// gateway at its root in front (as <see cref="UpstreamUnderAPathTests"/> does for 6.8). What is Verdaccio 9's own here:
/// every password proof goes through its web-UI sign-in and the login's couch request carries that session, both of
/// which must go under the prefix too (README, "Verdaccio 9"). The challenge itself is the same as at the root
/// (<see cref="Verdaccio9Tests"/>) and under a path on 6.8.
/// </summary>
[Collection(Verdaccio9Collection.Name)]
public sealed class Verdaccio9UnderAPathTests(Verdaccio9Fixture registry)
{
    private const string Prefix = "/repository/npm-hosted/";

    [Fact]
    public async Task NpmWebLogin_Enrol_PublishWithCode_InstallResolvesAtTheGateway()
    {
        await using var verdaccio = await VerdaccioProcess.StartAsync($"url_prefix: '{Prefix}'", version: VerdaccioVersion.V9);
        await using var nginx = await NginxProcess.StartAsync($$"""
                location {{Prefix}} {
                  proxy_pass {{verdaccio.Url}}/;
                  proxy_set_header Host $server_addr:$server_port;
                  proxy_http_version 1.1;
                  proxy_request_buffering off;
                  proxy_buffering off;
                }
                location / { return 404; }
            """);
        await using var gateway = await GatewayProcess.StartAsync(nginx.Url + Prefix, registry.Redis.ConnectionString, host: "localhost");
        var account = await verdaccio.CreateUniqueUserAsync("v9prefixed");
        using var npm = new NpmCli(gateway.RegistryUrl);

        // npm login (web): the page's password proof and the couch login, both under the prefix, give npm the user's token.
        await Verdaccio9Tests.LoginAsync(npm, gateway, account, secret: null, usedCodes: []);
        var user = await gateway.EnrolAsync(account);

        var name = RegistryFixture.UniquePackageName("v9prefixed");
        await npm.SucceedsAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", await Totp.CodeAsync(user.Secret));
        Assert.NotNull((await verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);

        using var consumer = new NpmCli(gateway.RegistryUrl);
        var project = consumer.NewFolder("consumer");
        await File.WriteAllTextAsync(Path.Combine(project, "package.json"), """{"name":"consumer","version":"1.0.0","private":true}""");
        await consumer.SucceedsAsync(project, "install", name);
        var lockFile = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(project, "package-lock.json")))!;
        Assert.Equal($"{gateway.RegistryUrl}{name}/-/{name}-1.0.0.tgz", lockFile["packages"]?[$"node_modules/{name}"]?["resolved"]?.GetValue<string>());
    }
}
