using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// A registry under a path, for real: Verdaccio 6.8 with <c>url_prefix</c> behind Debian's nginx under
/// <c>/repository/npm-hosted/</c> (Nexus's shape), the gateway at its root in front, and the real npm through it.
/// nginx tells Verdaccio its own address, as a Nexus knows its base URL, so the registry writes tarball URLs under
/// nginx's prefix: the gateway must point them at itself for a lockfile to resolve there.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class UpstreamUnderAPathTests(RegistryFixture registry)
{
    private const string Prefix = "/repository/npm-hosted/";

    [Fact]
    public async Task Npm_LoginEnrolPublishInstallDistTagToken_ThroughTheGateway_ToARegistryUnderAPath()
    {
        await using var verdaccio = await VerdaccioProcess.StartAsync($"url_prefix: '{Prefix}'");
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
        await using var gateway = await GatewayProcess.StartAsync(nginx.Url + Prefix, registry.Redis.ConnectionString);
        var account = await verdaccio.CreateUniqueUserAsync("prefixed");
        using var npm = new NpmCli(gateway.RegistryUrl);

        // Login: the password is proven with whoami, and the login forwarded, both under the prefix.
        var login = await npm.RunInPtyAsync(npm.NewFolder("login"), ["login", "--auth-type=legacy"],
            new PtyStep.Answer("Username:", account.Name),
            new PtyStep.Answer("Password:", account.Password));
        Assert.True(login.Succeeded, login.ToString());
        var token = TokenOf(await File.ReadAllTextAsync(npm.UserConfigPath), npm.NerfDart);
        var user = await gateway.EnrolAsync(account with { Token = token });

        // Publish: challenged, then accepted with a code.
        var name = RegistryFixture.UniquePackageName("prefixed");
        var package = npm.CreatePackage(name, "1.0.0");
        var challenged = await npm.RunAsync(package, "publish");
        Assert.False(challenged.Succeeded, challenged.ToString());
        Assert.Contains("code EOTP", challenged.Stderr);
        await npm.SucceedsAsync(package, "publish", "--otp", await Totp.CodeAsync(user.Secret));
        Assert.NotNull((await verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);

        // The registry writes tarball URLs under nginx's prefix...
        using var direct = new HttpClient();
        var upstreamTarball = JsonNode.Parse(await direct.GetStringAsync(nginx.Url + Prefix + name))!["versions"]!["1.0.0"]!["dist"]!["tarball"]!.GetValue<string>();
        Assert.StartsWith(nginx.Url + Prefix, upstreamTarball);

        // ...and an install through the gateway resolves the tarball at the gateway.
        using var consumer = new NpmCli(gateway.RegistryUrl);
        var project = consumer.NewFolder("consumer");
        await File.WriteAllTextAsync(Path.Combine(project, "package.json"), """{"name":"consumer","version":"1.0.0","private":true}""");
        await consumer.SucceedsAsync(project, "install", name);
        var lockFile = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(project, "package-lock.json")))!;
        Assert.Equal($"{gateway.RegistryUrl}{name}/-/{name}-1.0.0.tgz", lockFile["packages"]?[$"node_modules/{name}"]?["resolved"]?.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(project, "node_modules", name, "index.js")));

        // A dist-tag and a token, each with a code.
        await npm.SucceedsAsync(npm.NewFolder("tags"), "dist-tag", "add", $"{name}@1.0.0", "beta", "--otp", await Totp.CodeAsync(user.Secret));
        Assert.Equal("1.0.0", (await verdaccio.GetPackumentAsync(name))?["dist-tags"]?["beta"]?.GetValue<string>());
        var created = await npm.CreateTokenAsync(user);
        var whoami = await gateway.SendAsync(HttpMethod.Get, "-/whoami", created);
        Assert.Equal(user.Name, whoami.Json?["username"]?.GetValue<string>());
    }

    /// <summary>The token npm wrote for the registry (<c>//host:port/:_authToken=…</c>).</summary>
    private static string TokenOf(string npmrc, string nerfDart) =>
        npmrc.Split('\n').Select(line => line.Trim()).First(line => line.StartsWith(nerfDart + ":_authToken=", StringComparison.Ordinal))[(nerfDart.Length + ":_authToken=".Length)..];
}
