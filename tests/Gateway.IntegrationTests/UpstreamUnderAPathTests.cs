using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// A registry under a path, for real: Verdaccio 6.8 with <c>url_prefix</c> behind Debian's nginx under
/// <c>/repository/npm-hosted/</c> (Nexus's shape), the gateway in front at its root and under <c>/npm/</c>, and the real
/// npm through it. nginx tells Verdaccio its own address, as a Nexus knows its base URL, so the registry writes tarball
/// URLs under nginx's prefix: the gateway must point them at itself for a lockfile to resolve there.
/// </summary>
[Collection(Verdaccio9Collection.Name)]
public sealed class UpstreamUnderAPathTests(Verdaccio9Fixture registry, UpstreamUnderAPathTests.PrefixedRegistry upstream)
    : IClassFixture<UpstreamUnderAPathTests.PrefixedRegistry>
{
    private const string Prefix = "/repository/npm-hosted/";

    /// <summary>The Verdaccio and nginx both tests use (each its own users and packages).</summary>
    public sealed class PrefixedRegistry : IAsyncLifetime
    {
        internal VerdaccioProcess Verdaccio { get; private set; } = null!;

        internal NginxProcess Nginx { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Verdaccio = await VerdaccioProcess.StartAsync($"url_prefix: '{Prefix}'");
            Nginx = await NginxProcess.StartAsync($$"""
                    location {{Prefix}} {
                      proxy_pass {{Verdaccio.Url}}/;
                      proxy_set_header Host $server_addr:$server_port;
                      proxy_http_version 1.1;
                      proxy_request_buffering off;
                      proxy_buffering off;
                    }
                    location / { return 404; }
                """);
        }

        public async Task DisposeAsync()
        {
            if (Nginx is not null)
            {
                await Nginx.DisposeAsync();
            }

            if (Verdaccio is not null)
            {
                await Verdaccio.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Npm_LoginEnrolPublishInstallDistTagToken_ThroughTheGateway_ToARegistryUnderAPath()
    {
        var (verdaccio, nginx) = (upstream.Verdaccio, upstream.Nginx);
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

    /// <summary>
    /// The gateway under <c>/npm/</c> (an operator's load balancer path) in front of the same registry under its own path:
    /// npm sees one registry URL with a path, the gateway strips its own and puts the registry's on.
    /// </summary>
    [Fact]
    public async Task Npm_LoginEnrolPublishInstallDistTagToken_ThroughTheGatewayUnderAPath_ToARegistryUnderAPath()
    {
        var (verdaccio, nginx) = (upstream.Verdaccio, upstream.Nginx);
        await using var gateway = await GatewayProcess.StartAsync(nginx.Url + Prefix, registry.Redis.ConnectionString, publicPath: "/npm/");
        Assert.EndsWith(":" + gateway.Port + "/npm/", gateway.RegistryUrl, StringComparison.Ordinal);
        var account = await verdaccio.CreateUniqueUserAsync("public-path");
        using var npm = new NpmCli(gateway.RegistryUrl);

        var login = await npm.RunInPtyAsync(npm.NewFolder("login"), ["login", "--auth-type=legacy"],
            new PtyStep.Answer("Username:", account.Name),
            new PtyStep.Answer("Password:", account.Password));
        Assert.True(login.Succeeded, login.ToString());
        var token = TokenOf(await File.ReadAllTextAsync(npm.UserConfigPath), npm.NerfDart); // under the path's nerf dart

        // 2FA enrolment: npm profile enable-2fa's two requests, under the path (as the test above; a pseudo-terminal run
        // of npm's command would add seconds and no path the gateway sees differently).
        var user = await gateway.EnrolAsync(account with { Token = token });
        var secret = user.Secret;

        var name = RegistryFixture.UniquePackageName("public-path");
        var package = npm.CreatePackage(name, "1.0.0");
        var challenged = await npm.RunAsync(package, "publish");
        Assert.False(challenged.Succeeded, challenged.ToString());
        Assert.Contains("code EOTP", challenged.Stderr);
        await npm.SucceedsAsync(package, "publish", "--otp", await Totp.CodeAsync(secret, +1));
        Assert.NotNull((await verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);

        // The lockfile resolves the tarball at the gateway, under its path.
        using var consumer = new NpmCli(gateway.RegistryUrl);
        var project = consumer.NewFolder("consumer");
        await File.WriteAllTextAsync(Path.Combine(project, "package.json"), """{"name":"consumer","version":"1.0.0","private":true}""");
        await consumer.SucceedsAsync(project, "install", name);
        var lockFile = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(project, "package-lock.json")))!;
        Assert.Equal($"{gateway.Origin}/npm/{name}/-/{name}-1.0.0.tgz", lockFile["packages"]?[$"node_modules/{name}"]?["resolved"]?.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(project, "node_modules", name, "index.js")));

        await npm.SucceedsAsync(npm.NewFolder("tags"), "dist-tag", "add", $"{name}@1.0.0", "beta", "--otp", await Totp.CodeAsync(secret, +1));
        Assert.Equal("1.0.0", (await verdaccio.GetPackumentAsync(name))?["dist-tags"]?["beta"]?.GetValue<string>());
        var created = await npm.RunAsync(npm.NewFolder("token"), "token", "create", "--json", "--password", account.Password, "--otp", await Totp.CodeAsync(secret, +1));
        Assert.True(created.Succeeded, created.ToString());
        var newToken = JsonNode.Parse(created.Stdout)!["token"]!.GetValue<string>();
        Assert.Equal(account.Name, (await gateway.SendAsync(HttpMethod.Get, "-/whoami", newToken)).Json?["username"]?.GetValue<string>());

        // Outside the path: a clear 404, except the OIDC exchange npm posts to the host's root, answered as under the path.
        using var root = new HttpClient { BaseAddress = new Uri(gateway.Origin) };
        using var outside = await root.GetAsync("/" + name);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        Assert.Contains($"under {gateway.RegistryUrl}", JsonNode.Parse(await outside.Content.ReadAsStringAsync())?["error"]?.GetValue<string>(), StringComparison.Ordinal);
        using var exchangeAtRoot = await root.PostAsync($"/-/npm/v1/oidc/token/exchange/package/{name}", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        using var exchangeUnderPath = await root.PostAsync($"/npm/-/npm/v1/oidc/token/exchange/package/{name}", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.NotFound, exchangeAtRoot.StatusCode);
        Assert.Equal(exchangeUnderPath.StatusCode, exchangeAtRoot.StatusCode);
        Assert.Equal(await exchangeUnderPath.Content.ReadAsStringAsync(), await exchangeAtRoot.Content.ReadAsStringAsync());
    }

    /// <summary>The token npm wrote for the registry (<c>//host:port/:_authToken=…</c>).</summary>
    private static string TokenOf(string npmrc, string nerfDart) =>
        npmrc.Split('\n').Select(line => line.Trim()).First(line => line.StartsWith(nerfDart + ":_authToken=", StringComparison.Ordinal))[(nerfDart.Length + ":_authToken=".Length)..];
}
