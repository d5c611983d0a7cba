using System.Text.Json.Nodes;
using Gateway.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Gateway.BrowserTests;

/// <summary>
/// The npm web flows end to end: the real npm CLI runs in a pseudo-terminal (so it takes its web path) and
/// prints the gateway's URL; the test opens it in chromium, proves the second factor with the virtual
/// security key the user registered on the account page, and npm — polling <c>doneUrl</c> — finishes by
/// itself. Registry effects are read from Verdaccio directly.
/// </summary>
public sealed class CliWebFlowTests(BrowserFixture fixture) : BrowserTest(fixture), IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Publish_WebAuth_AuthUrlApprovedWithSecurityKey_NpmFinishesAndPackageIsInVerdaccio() => WithDiagnosticsAsync(async () =>
    {
        var user = await UserWithKeyAsync("webotp");
        var npm = Npm(user.Token);
        var name = UniquePackageName("touch-to-publish");

        await using var publish = npm.StartInPty(npm.CreatePackage(name, "1.0.0"), ["publish"], new PtyStep.ApprovalUrl());
        var authUrl = await publish.WaitForUrlAsync();
        Assert.StartsWith(Gateway.Url + "/-/gateway/authorize/", authUrl, StringComparison.Ordinal);
        Assert.Contains("Authenticate your account at", publish.Output, StringComparison.Ordinal);

        await Page.GotoAsync(authUrl);
        await Expect(Page.Locator("#flow-user")).ToHaveTextAsync(user.Name);
        await Expect(Page.Locator("#flow-action")).ToHaveTextAsync("publish");
        await Expect(Page.Locator("#flow-package")).ToHaveTextAsync(name);
        // What npm's body says, read when it was challenged: the version, its tarball's shasum, the dist-tag.
        await Expect(Page.Locator("#flow-versions code.version")).ToHaveTextAsync("1.0.0");
        await Expect(Page.Locator("#flow-versions code.shasum")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{40}$"));
        await Expect(Page.Locator("#flow-dist-tags code.tag-version")).ToHaveTextAsync("1.0.0");
        Assert.False(publish.HasExited, "npm must wait for the approval:\n" + publish.Output);
        Assert.Null(await Verdaccio.GetPackumentAsync(name));

        await Page.ClickAsync("#authorize button.use-key");
        await Expect(Page.Locator("#approved")).ToBeVisibleAsync();

        var result = await publish.WaitForExitAsync();
        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains($"+ {name}@1.0.0", result.Text, StringComparison.Ordinal);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
        Assert.True(await Gateway.Output.WaitForLineAsync($"Web-OTP approved (security-key) for user {user.Name}: publish of {name}"), Gateway.Output.Tail());

        // The key's use is recorded: the account page no longer says "never".
        await Page.GotoAsync(Gateway.Url + "/-/gateway/account");
        await Expect(Page.Locator("#key-list tr.key td").Nth(2)).Not.ToHaveTextAsync("never");
    });

    [Fact]
    public Task Login_Web_PasswordThenSecurityKey_NpmStoresTokenAndWhoamiShowsUser() => WithDiagnosticsAsync(async () =>
    {
        var user = await UserWithKeyAsync("weblogin");
        var npm = Npm(); // not logged in

        await using var login = npm.StartInPty(npm.NewFolder("login"), ["login"], new PtyStep.LoginUrl());
        var loginUrl = await login.WaitForUrlAsync();
        Assert.StartsWith(Gateway.Url + "/-/gateway/login/", loginUrl, StringComparison.Ordinal);

        await Page.GotoAsync(loginUrl);
        await Page.FillAsync("#login input[name=username]", user.Name);
        await Page.FillAsync("#login input[name=password]", user.Password);
        await Page.ClickAsync("#login button[type=submit]");
        await Expect(Page.Locator("#login-second-factor")).ToBeVisibleAsync();
        Assert.False(login.HasExited, "npm must wait for the second factor:\n" + login.Output);

        await Page.ClickAsync("#login-second-factor button.use-key");
        await Expect(Page.Locator("#logged-in")).ToBeVisibleAsync();

        var result = await login.WaitForExitAsync();
        Assert.True(result.Succeeded, result.ToString());
        var npmrc = await File.ReadAllTextAsync(npm.UserConfigPath);
        Assert.Contains(npm.NerfDart + ":_authToken=", npmrc, StringComparison.Ordinal);
        var whoami = await npm.RunAsync(npm.NewFolder("whoami"), "whoami");
        Assert.True(whoami.Succeeded, whoami.ToString());
        Assert.Equal(user.Name, whoami.Stdout.Trim());
        Assert.True(await Gateway.Output.WaitForLineAsync($"Web login of user {user.Name} completed (security-key)"), Gateway.Output.Tail());
    });

    [Fact]
    public Task Publish_WebAuth_KeyOfAnotherAuthenticatorOrAnotherUser_Refused_NpmNotCompleted() => WithDiagnosticsAsync(async () =>
    {
        // Another user's key, registered on the gateway from a second page (its own virtual key).
        var other = await Fixture.CreateUserAsync("otheruser");
        var otherPage = await Page.Context.NewPageAsync();
        var otherKey = await VirtualAuthenticator.AttachAsync(otherPage);
        await otherPage.GotoAsync(Gateway.Url + "/-/gateway/sign-in");
        await otherPage.FillAsync("#sign-in input[name=username]", other.Name);
        await otherPage.FillAsync("#sign-in input[name=password]", other.Password);
        await otherPage.ClickAsync("#sign-in button[type=submit]");
        await otherPage.ClickAsync("#add-key button.add-key");
        await Expect(otherPage.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        var otherCredential = Assert.Single(await otherKey.CredentialsAsync());
        await otherPage.CloseAsync();

        var user = await UserWithKeyAsync("victim");
        var npm = Npm(user.Token);
        var name = UniquePackageName("not-my-key");
        await using var publish = npm.StartInPty(npm.CreatePackage(name, "1.0.0"), ["publish"], new PtyStep.ApprovalUrl());
        await Page.GotoAsync(await publish.WaitForUrlAsync());
        await Expect(Page.Locator("#flow-user")).ToHaveTextAsync(user.Name);

        // 1. The user's key is unplugged and a fresh one plugged in: it holds no credential the gateway
        //    asks for, so the browser has nothing to sign with and the page reports it.
        Key = await Key.ReplaceWithFreshAsync();
        await Page.ClickAsync("#authorize button.use-key");
        await Expect(Page.Locator("#authorize .error")).ToContainTextAsync("Security key");
        await Expect(Page.Locator("#approved")).ToHaveCountAsync(0);

        // 2. That fresh key now holds the other user's credential, and the page is made to ask for it (the
        //    options are rewritten on the way): a valid signature by a key that is not this user's.
        await Key.AddCredentialAsync(otherCredential);
        var otherCredentialId = Base64UrlFromBase64(otherCredential.GetProperty("credentialId").GetString()!);
        await Page.RouteAsync("**/-/gateway/webauthn/assertion-options", async route =>
        {
            var response = await route.FetchAsync();
            var json = JsonNode.Parse(await response.TextAsync())!;
            json["options"]!["allowCredentials"] = new JsonArray(new JsonObject { ["type"] = "public-key", ["id"] = otherCredentialId });
            await route.FulfillAsync(new() { Response = response, Body = json.ToJsonString() });
        });
        var signCountBefore = Assert.Single(await Key.CredentialsAsync()).GetProperty("signCount").GetInt32();
        await Page.ClickAsync("#authorize button.use-key");
        await Expect(Page.Locator("#authorize .error")).ToHaveTextAsync("That second factor was not accepted.");
        Assert.True(Assert.Single(await Key.CredentialsAsync()).GetProperty("signCount").GetInt32() > signCountBefore, "the other user's key did not sign");
        await Expect(Page.Locator("#approved")).ToHaveCountAsync(0);
        Assert.True(await Gateway.Output.WaitForLineAsync($"Web-OTP approval refused (Invalid) for user {user.Name}: publish"), Gateway.Output.Tail());

        // npm is still waiting; nothing reached the registry.
        await Task.Delay(TimeSpan.FromSeconds(2)); // more than one Retry-After of its doneUrl polling
        Assert.False(publish.HasExited, "npm must still be waiting:\n" + publish.Output);
        Assert.Null(await Verdaccio.GetPackumentAsync(name));
    });

    /// <summary>
    /// A single-version unpublish is two writes (PUT of the packument without the version, then DELETE of its
    /// tarball): the page approves the first, and the token covers the second as its follow-up.
    /// </summary>
    [Fact]
    public Task UnpublishVersion_WebAuth_ApprovedOnce_FollowUpTarballDeletePasses_OtherVersionStays() => WithDiagnosticsAsync(async () =>
    {
        var user = await UserWithKeyAsync("webunpub");
        var npm = Npm(user.Token);
        var name = UniquePackageName("unpublish-by-touch");
        foreach (var version in new[] { "1.0.0", "1.1.0" })
        {
            await using var publish = npm.StartInPty(npm.CreatePackage(name, version), ["publish"], new PtyStep.ApprovalUrl());
            await Page.GotoAsync(await publish.WaitForUrlAsync());
            await Page.ClickAsync("#authorize button.use-key");
            await Expect(Page.Locator("#approved")).ToBeVisibleAsync();
            Assert.True((await publish.WaitForExitAsync()).Succeeded);
        }

        await using var unpublish = npm.StartInPty(npm.NewFolder("unpublish"), ["unpublish", $"{name}@1.1.0"], new PtyStep.ApprovalUrl());
        await Page.GotoAsync(await unpublish.WaitForUrlAsync());
        await Expect(Page.Locator("#flow-action")).ToHaveTextAsync("unpublish");
        await Expect(Page.Locator("#flow-method")).ToHaveTextAsync("PUT");
        await Expect(Page.Locator("#flow-target")).ToContainTextAsync($"/{name}/-rev/");
        await Expect(Page.Locator("#flow-versions code.version")).ToHaveTextAsync(new[] { "1.0.0" }); // what remains
        await Page.ClickAsync("#authorize button.use-key");
        await Expect(Page.Locator("#approved")).ToBeVisibleAsync();

        var result = await unpublish.WaitForExitAsync();
        Assert.True(result.Succeeded, result.ToString());
        var versions = (await Verdaccio.GetPackumentAsync(name))?["versions"]?.AsObject();
        Assert.NotNull(versions);
        Assert.Equal(["1.0.0"], versions.Select(v => v.Key).ToArray());
        Assert.True(await Gateway.Output.WaitForLinesAsync(2, $"Second factor accepted (web) for unpublish of {name} by user {user.Name}"), Gateway.Output.Tail());
    });

    private static string Base64UrlFromBase64(string base64) =>
        base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
