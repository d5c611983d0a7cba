using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Issue 10 on reads, with the real npm 11 CLI and Verdaccio: a token created through the gateway keeps its limits
/// on every request that presents it, reads included — what someone holding a stolen limited or expired token would
/// try first (<c>npm view</c>, <c>npm install</c> of other packages, other spellings of their names).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class TokenReadLimitsTests(RegistryFixture registry)
{
    private static readonly TimeSpan ShortLifetime = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task PackageLimitedToken_ReadsAndInstallsItsPackage_OtherPackagesAre403_ExpiredTokenIs401()
    {
        // A gateway of its own: write tokens without --expires live 12 s here.
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway__Tokens__DefaultWriteLifetime"] = ShortLifetime.ToString(),
        });
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("reader"), mode: "auth-only");
        using var owner = Npm(gateway, user.Token);
        var mine = RegistryFixture.UniquePackageName("mine");
        var other = RegistryFixture.UniquePackageName("other");
        var scopedOther = RegistryFixture.UniquePackageName("lib", "elsewhere");
        foreach (var package in new[] { mine, other, scopedOther })
        {
            await owner.SucceedsAsync(owner.CreatePackage(package, "1.0.0"), "publish");
        }

        // Limited to one package, read-only so that it may live long: reads what it may, nothing else.
        var limited = await owner.CreateTokenAsync(user, "--packages", mine, "--packages-and-scopes-permission", "read-only", "--expires", "7");
        using var ci = Npm(gateway, limited);
        var view = await ci.RunAsync(ci.NewFolder("view"), "view", mine, "version");
        Assert.True(view.Succeeded, view.ToString());
        Assert.Equal("1.0.0", view.Stdout.Trim());
        var install = ci.NewFolder("install");
        await ci.SucceedsAsync(install, "install", mine, "--no-audit", "--no-fund");
        Assert.True(File.Exists(Path.Combine(install, "node_modules", mine, "package.json")));

        foreach (var package in new[] { other, scopedOther })
        {
            var viewOther = await ci.RunAsync(ci.NewFolder("view-other"), "view", package, "version");
            Assert.False(viewOther.Succeeded, viewOther.ToString());
            Assert.Contains("403", viewOther.Stderr);
            Assert.Contains($"This token cannot read {package}", viewOther.Stderr);
            var installOther = await ci.RunAsync(ci.NewFolder("install-other"), "install", package, "--no-audit", "--no-fund");
            Assert.False(installOther.Succeeded, installOther.ToString());
            Assert.Contains("403", installOther.Stderr);
        }

        // The stolen token by hand: other spellings of a name, its tarball, the registry's web API.
        var tarball = $"{other}/-/{other}-1.0.0.tgz";
        var scopedName = scopedOther.Split('/')[1];
        foreach (var target in new[]
        {
            other, tarball, $"{other}/1.0.0", $"-/package/{other}/dist-tags",
            scopedOther.Replace("/", "%2f", StringComparison.Ordinal), scopedOther.Replace("@", "%40", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal),
            $"{scopedOther.Replace("/", "%2f", StringComparison.Ordinal)}/-/{scopedName}-1.0.0.tgz",
            $"-/verdaccio/data/sidebar/{other}",
        })
        {
            var answer = await gateway.SendAsync(HttpMethod.Get, target, limited);
            Assert.True(answer.Status == HttpStatusCode.Forbidden, $"GET /{target}: {answer}");
        }

        // The same requests without a token are the registry's business (its own access rules), as before.
        Assert.Equal(HttpStatusCode.OK, (await gateway.SendAsync(HttpMethod.Get, tarball, null)).Status);

        // A token that expired: refused on reads with the date, although reads just found and cached its record.
        var shortLived = await owner.CreateTokenAsync(user);
        var created = DateTimeOffset.UtcNow;
        using var expiring = Npm(gateway, shortLived);
        var before = await expiring.RunAsync(expiring.NewFolder("before"), "view", mine, "version");
        if (DateTimeOffset.UtcNow - created < ShortLifetime - TimeSpan.FromSeconds(1))
        {
            Assert.True(before.Succeeded, before.ToString());
        }

        await Task.Delay(ShortLifetime - (DateTimeOffset.UtcNow - created) + TimeSpan.FromSeconds(1.5));
        var expired = await expiring.RunAsync(expiring.NewFolder("after"), "view", mine, "version");
        Assert.False(expired.Succeeded, expired.ToString());
        Assert.Contains("401", expired.Stderr);
        var answered = await gateway.SendAsync(HttpMethod.Get, mine, shortLived);
        Assert.Equal(HttpStatusCode.Unauthorized, answered.Status);
        Assert.Contains("This token expired on", answered.Body);
    }

    private static NpmCli Npm(GatewayProcess gateway, string token)
    {
        var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(token);
        return npm;
    }
}
