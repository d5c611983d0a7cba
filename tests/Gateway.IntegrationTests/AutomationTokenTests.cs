using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Issue 10 with the real npm 11 CLI and Verdaccio: granular tokens the gateway records and enforces, bypass-2FA
/// for CI that never covers governance, and per-package rules set with <c>npm access set mfa=…</c>.
/// Verdaccio accepts the granular fields of <c>npm token create</c> and enforces none of them (docs/PROTOCOL.md).
/// </summary>
[Collection(ThirdRegistryCollection.Name)]
public sealed class AutomationTokenTests(RegistryFixture registry, ClassGateway classGateway) : IClassFixture<ClassGateway>
{
    [Fact]
    public async Task BypassToken_PublishesItsPackageWithoutACode_NothingElse_AndPackageRuleTakesTheBypassAway()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("ci"));
        using var owner = Npm(gateway, user.Token);
        var package = RegistryFixture.UniquePackageName("ci-pkg");
        var other = RegistryFixture.UniquePackageName("ci-other");
        await owner.SucceedsAsync(owner.CreatePackage(package, "1.0.0"), "publish", "--otp", await Totp.CodeAsync(user.Secret));
        await owner.SucceedsAsync(owner.CreatePackage(other, "1.0.0"), "publish", "--otp", await Totp.CodeAsync(user.Secret));

        var bypassToken = await owner.CreateTokenAsync(user, "--bypass-2fa", "--packages", package, "--expires", "7");
        using var ci = Npm(gateway, bypassToken);

        // The token's package, no code, no terminal: published.
        await ci.SucceedsAsync(ci.CreatePackage(package, "1.0.1"), "publish");
        Assert.NotNull((await PackumentAsync(package))["versions"]?["1.0.1"]);

        // Another package: refused, naming it.
        var elsewhere = await ci.RunAsync(ci.CreatePackage(other, "1.0.1"), "publish");
        Assert.False(elsewhere.Succeeded, elsewhere.ToString());
        Assert.Contains("403", elsewhere.Stderr);
        Assert.Contains(other, elsewhere.Stderr);
        Assert.Null((await PackumentAsync(other))["versions"]?["1.0.1"]);

        // Governance: the ordinary challenge, bypass or not.
        var ownerAdd = await ci.RunAsync(ci.NewFolder("owner"), "owner", "add", user.Name, package);
        Assert.False(ownerAdd.Succeeded, ownerAdd.ToString());
        Assert.Contains("OTP required", ownerAdd.Stderr); // npm owner wraps the challenge as EOWNERMUTATE
        var mint = await ci.RunAsync(ci.NewFolder("mint"), "token", "create", "--password", user.Password);
        Assert.False(mint.Succeeded, mint.ToString());
        Assert.Contains("one-time pass", mint.Stderr);

        // The maintainer disallows tokens for the package: the same bypass token now gets the challenge.
        await owner.SucceedsAsync(owner.NewFolder("access"), "access", "set", "mfa=publish", package, "--otp", await Totp.CodeAsync(user.Secret));
        var afterRule = await ci.RunAsync(ci.CreatePackage(package, "1.0.2"), "publish");
        Assert.False(afterRule.Succeeded, afterRule.ToString());
        Assert.Contains("code EOTP", afterRule.Stderr);
        Assert.Null((await PackumentAsync(package))["versions"]?["1.0.2"]);
    }

    [Fact]
    public async Task PolicyExplain_ReadsTheUsersModeTokenAndPackageRuleFromTheStore_AndDecidesAsTheGatewayDoes()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("explain"));
        using var owner = Npm(gateway, user.Token);
        var package = RegistryFixture.UniquePackageName("explained");
        await owner.SucceedsAsync(owner.CreatePackage(package, "1.0.0"), "publish", "--otp", await Totp.CodeAsync(user.Secret));
        await owner.CreateTokenAsync(user, "--bypass-2fa", "--packages", package, "--expires", "7");
        var list = await owner.RunAsync(owner.NewFolder("list"), "token", "list", "--json");
        var key = JsonNode.Parse(list.Stdout)!.AsArray().Single(t => t!["gateway"]?["bypass_2fa"]?.GetValue<bool>() == true)!["key"]!.GetValue<string>();
        using var folder = new TempDirectory("explain");
        var body = folder.Combine("publish.json");
        File.WriteAllText(body, new JsonObject { ["_id"] = package, ["name"] = package, ["versions"] = new JsonObject { ["1.0.1"] = new JsonObject() },
            ["_attachments"] = new JsonObject { [package + "-1.0.1.tgz"] = new JsonObject { ["data"] = "AA==" } } }.ToJsonString());

        var bypassed = await AdminCli.RunCommandAsync(gateway, "policy", "explain", "PUT", "/" + package, "--body", body, "--user", user.Name, "--token-key", key);

        Assert.True(bypassed.Exit == 0, bypassed.Stderr + bypassed.Stdout);
        Assert.Contains("caller:       " + user.Name + ", auth-and-writes (from the store)", bypassed.Stdout);
        Assert.Contains("bypass-2fa=true", bypassed.Stdout);
        Assert.Contains("decision:     forwarded without a second factor (bypass-2FA token)", bypassed.Stdout);

        // The maintainer disallows tokens: explain now reads that rule from the store, and so decides as the gateway does.
        await owner.SucceedsAsync(owner.NewFolder("access"), "access", "set", "mfa=publish", package, "--otp", await Totp.CodeAsync(user.Secret));
        var ruled = await AdminCli.RunCommandAsync(gateway, "policy", "explain", "PUT", "/" + package, "--body", body, "--user", user.Name, "--token-key", key);
        Assert.Contains("package rule: publish (set by a maintainer", ruled.Stdout);
        Assert.Contains("decision:     second factor needed", ruled.Stdout);
        using var ci = Npm(gateway, await owner.CreateTokenAsync(user, "--bypass-2fa", "--packages", package));
        var live = await ci.RunAsync(ci.CreatePackage(package, "1.0.1"), "publish");
        Assert.Contains("code EOTP", live.Stderr);

        var other = await AdminCli.RunCommandAsync(gateway, "policy", "explain", "PUT", "/another-pkg", "--user", user.Name, "--token-key", key);
        Assert.Contains("refused 403: This token cannot", other.Stdout);
        var unknownKey = await AdminCli.RunCommandAsync(gateway, "policy", "explain", "PUT", "/" + package, "--user", user.Name, "--token-key", "nope");
        Assert.Equal(4, unknownKey.Exit);
        Assert.DoesNotContain(user.Password, bypassed.Stdout + ruled.Stdout + other.Stdout);

        // admin show lists the user's recorded tokens with what the gateway enforces.
        var show = await AdminCli.RunAsync(gateway, "show", user.Name);
        Assert.True(show.Exit == 0, show.Stderr);
        Assert.Contains(show.Stdout.Split('\n'), l => l.Contains(key, StringComparison.Ordinal) && l.Contains("bypass-2fa=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PackageRule_OnlyAMaintainerWithASecondFactorMayChangeIt()
    {
        var gateway = await GatewayAsync();
        var maintainer = await gateway.EnrolAsync(await registry.CreateUserAsync("maint"));
        var stranger = await gateway.EnrolAsync(await registry.CreateUserAsync("stranger"));
        var package = RegistryFixture.UniquePackageName("ruled");
        using var npm = Npm(gateway, maintainer.Token);
        await npm.SucceedsAsync(npm.CreatePackage(package, "1.0.0"), "publish", "--otp", await Totp.CodeAsync(maintainer.Secret));

        using var strangerNpm = Npm(gateway, stranger.Token);
        var byStranger = await strangerNpm.RunAsync(strangerNpm.NewFolder("a"), "access", "set", "mfa=none", package, "--otp", await Totp.CodeAsync(stranger.Secret));
        Assert.False(byStranger.Succeeded, byStranger.ToString());
        Assert.Contains("Only a maintainer", byStranger.Stderr);

        var withoutCode = await npm.RunAsync(npm.NewFolder("b"), "access", "set", "mfa=automation", package);
        Assert.Contains("code EOTP", withoutCode.Stderr);
    }

    [Fact]
    public async Task ReadOnlyExpiredAndRevokedTokens_AreRefusedWithAClearMessage()
    {
        // A gateway of its own: write tokens without --expires live 15 s here.
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway__Tokens__DefaultWriteLifetime"] = "00:00:15",
        });
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("limits"), mode: "auth-only");
        using var owner = Npm(gateway, user.Token);
        var package = RegistryFixture.UniquePackageName("limits");
        await owner.SucceedsAsync(owner.CreatePackage(package, "1.0.0"), "publish");

        var readOnly = await owner.CreateTokenAsync(user, "--packages-and-scopes-permission", "read-only");
        using var reader = Npm(gateway, readOnly);
        var write = await reader.RunAsync(reader.CreatePackage(package, "1.0.1"), "publish");
        Assert.False(write.Succeeded, write.ToString());
        Assert.Contains("read-only", write.Stderr);
        await reader.SucceedsAsync(reader.NewFolder("view"), "view", package, "version");

        var shortLived = await owner.CreateTokenAsync(user);
        using var ci = Npm(gateway, shortLived);
        await ci.SucceedsAsync(ci.CreatePackage(package, "1.0.2"), "publish");
        await Task.Delay(TimeSpan.FromSeconds(15.5));
        var expired = await ci.RunAsync(ci.CreatePackage(package, "1.0.3"), "publish");
        Assert.False(expired.Succeeded, expired.ToString());
        Assert.Contains("expired", expired.Stderr);
        Assert.Null((await PackumentAsync(package))["versions"]?["1.0.3"]);

        var list = await owner.RunAsync(owner.NewFolder("list"), "token", "list", "--json");
        Assert.True(list.Succeeded, list.ToString());
        var listed = JsonNode.Parse(list.Stdout)!.AsArray();
        // What the gateway enforces, beside the registry's own fields.
        Assert.Contains(listed, t => t!["gateway"]?["permission"]?.GetValue<string>() == "read-only" && t["readonly"]!.GetValue<bool>());
        Assert.Contains(listed, t => t!["gateway"]?["expires"] is not null && t["gateway"]!["permission"]!.GetValue<string>() == "read-write");
        var keys = listed.Select(t => t!["key"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            await owner.SucceedsAsync(owner.NewFolder("revoke"), "token", "revoke", key, "--otp", await Totp.CodeAsync(user.Secret));
        }

        Assert.True(await gateway.Output.WaitForLineAsync("Token created for user " + user.Name), gateway.Output.Tail());
        var afterRevoke = await reader.RunAsync(reader.CreatePackage(package, "1.0.4"), "publish");
        Assert.False(afterRevoke.Succeeded, afterRevoke.ToString());
    }

    [Fact]
    public async Task ScopeRequiring2fa_RefusesWritersWithout2fa_AndItsMembersCannotDisable2fa()
    {
        using var folder = new TempDirectory("package-rules");
        var member = await registry.CreateUserAsync("member");
        var outsider = await registry.CreateUserAsync("outsider");
        var rules = folder.Combine("package-rules.json");
        File.WriteAllText(rules, new JsonObject
        {
            ["scopes"] = new JsonArray(new JsonObject { ["scope"] = "@secure", ["require"] = "auth-only", ["members"] = new JsonArray(member.Name) }),
        }.ToJsonString());
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway__PackageRulesFile"] = rules });

        // Without 2FA: refused with the command that enables it; outside the scope: unaffected.
        using var npm = Npm(gateway, outsider.Token);
        var scoped = RegistryFixture.UniquePackageName("lib", "secure");
        var refused = await npm.RunAsync(npm.CreatePackage(scoped, "1.0.0"), "publish");
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Contains("npm profile enable-2fa auth-only", refused.Stderr);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(scoped));
        await npm.SucceedsAsync(npm.CreatePackage(RegistryFixture.UniquePackageName("free"), "1.0.0"), "publish");

        // A member with 2FA publishes into the scope, and cannot turn 2FA off (npm profile disable-2fa's request).
        var enrolled = await gateway.EnrolAsync(member, mode: "auth-only");
        using var memberNpm = Npm(gateway, enrolled.Token);
        await memberNpm.SucceedsAsync(memberNpm.CreatePackage(scoped, "1.0.0"), "publish");
        var disable = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", enrolled.Token, await Totp.CodeAsync(enrolled.Secret),
            new JsonObject { ["tfa"] = new JsonObject { ["password"] = enrolled.Password, ["mode"] = "disable" } });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, disable.Status);
        Assert.Contains("member of @secure", disable.Body);
        var profile = await memberNpm.RunAsync(memberNpm.NewFolder("profile"), "profile", "get");
        Assert.Matches(@"two-factor auth:\s+auth-only", profile.Stdout);

        // Not listed, but once they publish into the scope they maintain a package in it: a member too.
        var maintainer = await gateway.EnrolAsync(outsider, mode: "auth-only");
        using var maintainerNpm = Npm(gateway, maintainer.Token);
        var theirs = RegistryFixture.UniquePackageName("own", "secure");
        await maintainerNpm.SucceedsAsync(maintainerNpm.CreatePackage(theirs, "1.0.0"), "publish");
        var maintainerDisable = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", maintainer.Token, await Totp.CodeAsync(maintainer.Secret),
            new JsonObject { ["tfa"] = new JsonObject { ["password"] = maintainer.Password, ["mode"] = "disable" } });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, maintainerDisable.Status);
        Assert.Contains("member of @secure", maintainerDisable.Body);
    }

    [Fact]
    public async Task StageOnlyAndOrgLimitedTokens_GetNoMoreThanTheirCreatorAskedFor()
    {
        var gateway = await GatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("granular"), mode: "auth-only");
        using var owner = Npm(gateway, user.Token);
        var package = RegistryFixture.UniquePackageName("staged");
        await owner.SucceedsAsync(owner.CreatePackage(package, "1.0.0"), "publish");

        // npm 11.21's read-write-stage-only (sent as npm 11.21 sends it; the system npm 11.19 does not know the value):
        // Verdaccio would take it as read-write; the gateway lets it publish nothing directly.
        var created = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/tokens", user.Token, await Totp.CodeAsync(user.Secret), new JsonObject
        {
            ["name"] = "stager", ["password"] = user.Password, ["packages_and_scopes_permission"] = "read-write-stage-only", ["bypass_2fa"] = true,
        });
        Assert.True(created.Status == System.Net.HttpStatusCode.OK || created.Status == System.Net.HttpStatusCode.Created, created.ToString());
        var stageOnly = created.Json!["token"]!.GetValue<string>();
        using var stager = Npm(gateway, stageOnly);
        var direct = await stager.RunAsync(stager.CreatePackage(package, "1.0.1"), "publish");
        Assert.False(direct.Succeeded, direct.ToString());
        Assert.Contains("may only stage releases", direct.Stderr);
        Assert.Null((await PackumentAsync(package))["versions"]?["1.0.1"]);

        // An org-limited token: team changes in another organisation, or with a read-only org permission, are refused
        // before the registry (which has no organisations) is asked.
        var orgToken = await owner.CreateTokenAsync(user, "--orgs", "acme", "--orgs-permission", "read-write");
        using var orgAdmin = Npm(gateway, orgToken);
        var otherOrg = await orgAdmin.RunAsync(orgAdmin.NewFolder("team"), "team", "create", "@beta:devs", "--otp", await Totp.CodeAsync(user.Secret));
        Assert.False(otherOrg.Succeeded, otherOrg.ToString());
        Assert.Contains("limited to the organisations acme", otherOrg.Stderr);

        var readOnlyOrgs = await owner.CreateTokenAsync(user, "--orgs-permission", "read-only");
        using var viewer = Npm(gateway, readOnlyOrgs);
        var teamAdd = await viewer.RunAsync(viewer.NewFolder("team"), "team", "add", "@acme:devs", user.Name);
        Assert.False(teamAdd.Succeeded, teamAdd.ToString());
        Assert.Contains("cannot change organisations or teams", teamAdd.Stderr);

        // A token limited to a network the client is not in: refused, saying why. Verdaccio enforces cidr_whitelist
        // itself against the address it sees (the gateway's) and would refuse whoami with a bare 401: the gateway
        // checks the token's networks before whoami (stage 1b). README: a --cidr must include the gateway's network.
        var elsewhere = await owner.CreateTokenAsync(user, "--cidr", "192.0.2.0/24");
        using var outsider = Npm(gateway, elsewhere);
        var fromHere = await outsider.RunAsync(outsider.CreatePackage(package, "1.0.2"), "publish");
        Assert.False(fromHere.Succeeded, fromHere.ToString());
        Assert.True(fromHere.Stderr.Contains("may only be used from 192.0.2.0/24", StringComparison.Ordinal), fromHere.ToString());
        Assert.Null((await PackumentAsync(package))["versions"]?["1.0.2"]);
    }

    [Fact]
    public async Task LoginTokens_AreRecorded_SoUnrecordedReadOnlyStopsOnlyTokensFromElsewhere_AndTheLoginLifetimeEndsThem()
    {
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway__Tokens__Unrecorded"] = "ReadOnly",
            ["Gateway__Tokens__LoginLifetime"] = "00:00:20",
        });
        var user = await registry.CreateUserAsync("login");
        var package = RegistryFixture.UniquePackageName("login");

        // The token Verdaccio gave directly (what a thief who reached the registry, or an old token, would hold): reads only.
        using var direct = Npm(gateway, user.Token);
        var refused = await direct.RunAsync(direct.CreatePackage(package, "1.0.0"), "publish");
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Contains("not created through the 2FA gateway", refused.Stderr);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(package));

        // A couch login through the gateway (npm login --auth-type=legacy's request): its token is recorded and writes.
        var login = await gateway.SendAsync(HttpMethod.Put, "-/user/org.couchdb.user:" + user.Name, token: null,
            body: new JsonObject { ["_id"] = "org.couchdb.user:" + user.Name, ["name"] = user.Name, ["password"] = user.Password, ["type"] = "user" },
            headers: new Dictionary<string, string> { ["Authorization"] = GatewayHttp.Basic(user.Name, user.Password) });
        Assert.True((int)login.Status is 200 or 201, login.ToString());
        var loginToken = JsonNode.Parse(login.Body)!["token"]!.GetValue<string>();
        using var loggedIn = Npm(gateway, loginToken);
        await loggedIn.SucceedsAsync(loggedIn.CreatePackage(package, "1.0.0"), "publish");
        Assert.DoesNotContain(loginToken, gateway.Output.Text);

        // npm logout ends a login's token at the gateway, though Verdaccio's logout revokes nothing.
        var second = await gateway.SendAsync(HttpMethod.Put, "-/user/org.couchdb.user:" + user.Name, token: null,
            body: new JsonObject { ["_id"] = "org.couchdb.user:" + user.Name, ["name"] = user.Name, ["password"] = user.Password, ["type"] = "user" },
            headers: new Dictionary<string, string> { ["Authorization"] = GatewayHttp.Basic(user.Name, user.Password) });
        var secondToken = JsonNode.Parse(second.Body)!["token"]!.GetValue<string>();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await gateway.SendAsync(HttpMethod.Get, package, secondToken)).Status);
        using var leaving = Npm(gateway, secondToken);
        await leaving.SucceedsAsync(leaving.NewFolder("logout"), "logout");
        var afterLogout = await gateway.SendAsync(HttpMethod.Get, package, secondToken);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, afterLogout.Status);
        Assert.Contains("expired", afterLogout.Body);
        using var whoami = new HttpRequestMessage(HttpMethod.Get, "-/whoami");
        whoami.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secondToken);
        using var stillValid = await registry.Verdaccio.Http.SendAsync(whoami);
        Assert.Contains(user.Name, await stillValid.Content.ReadAsStringAsync()); // the registry itself still takes it

        // After Gateway:Tokens:LoginLifetime the login's token is refused as expired, though the registry still takes it.
        await Task.Delay(TimeSpan.FromSeconds(20.5));
        var late = await loggedIn.RunAsync(loggedIn.CreatePackage(package, "1.0.1"), "publish");
        Assert.False(late.Succeeded, late.ToString());
        Assert.Contains("expired", late.Stderr);
        Assert.Null((await PackumentAsync(package))["versions"]?["1.0.1"]);
    }

    private Task<GatewayProcess> GatewayAsync() => classGateway.GetAsync(() => registry.StartGatewayAsync());

    private static NpmCli Npm(GatewayProcess gateway, string token)
    {
        var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(token);
        return npm;
    }

    private async Task<JsonNode> PackumentAsync(string name) =>
        await registry.Verdaccio.GetPackumentAsync(name) ?? throw new Xunit.Sdk.XunitException($"{name} does not exist upstream.");
}
