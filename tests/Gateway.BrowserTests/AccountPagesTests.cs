using Gateway.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Gateway.BrowserTests;

/// <summary>
/// The account pages in Debian's chromium with a CDP virtual security key: sign in, register a key, enable
/// an authenticator app from the QR page, regenerate recovery codes, disable 2FA. Each test asserts what
/// the page shows and what changed behind it: the mode <c>npm profile get</c> reports through the gateway,
/// and what the real npm CLI can publish to the real Verdaccio (read directly from Verdaccio).
/// </summary>
public sealed class AccountPagesTests(BrowserFixture fixture) : BrowserTest(fixture), IClassFixture<BrowserFixture>
{
    [Fact]
    public Task SignIn_WrongPasswordRefused_RightPasswordShowsAccountWithTwoFactorDisabled() => WithDiagnosticsAsync(async () =>
    {
        var user = await Fixture.CreateUserAsync("signin");

        await Page.GotoAsync(Gateway.Url + "/-/gateway/account");
        await Expect(Page.Locator("#sign-in")).ToBeVisibleAsync(); // the account page needs a session
        await Page.FillAsync("#sign-in input[name=username]", user.Name);
        await Page.FillAsync("#sign-in input[name=password]", user.Password + "-wrong");
        await Page.ClickAsync("#sign-in button[type=submit]");
        await Expect(Page.Locator("#sign-in .error")).ToContainTextAsync("Wrong username or password");

        await SignInAsync(user);
        await Expect(Page.Locator("#mode")).ToHaveTextAsync("disabled");
        await Expect(Page.Locator("#totp-status")).ToHaveTextAsync("Not configured.");
        await Expect(Page.Locator("#no-keys")).ToBeVisibleAsync();
        await Expect(Page.Locator("#recovery-count")).ToHaveCountAsync(0);

        Assert.Equal("disabled", await ProfileModeAsync(Npm(user.Token)));
        Assert.True(await Gateway.Output.WaitForLineAsync($"Web sign-in refused for user {user.Name} from client network ", ": wrong password"), Gateway.Output.Tail());
    });

    [Fact]
    public Task RegisterSecurityKey_FirstFactor_ListedTenRecoveryCodesAuthAndWrites_PublishWithoutCodeRefused_SignInNeedsKey() => WithDiagnosticsAsync(async () =>
    {
        var user = await Fixture.CreateUserAsync("addkey");
        var keyName = "YubiKey " + Guid.NewGuid().ToString("N")[..6];
        await SignInAsync(user);

        await Page.FillAsync("#add-key input[name=name]", keyName);
        await Page.ClickAsync("#add-key button.add-key");
        await Expect(Page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        AssertRecoveryCodes(await RecoveryCodesShownAsync());
        var credentials = await Key.CredentialsAsync();
        Assert.Single(credentials);
        Assert.Equal("localhost", credentials[0].GetProperty("rpId").GetString());
        Assert.False(credentials[0].GetProperty("isResidentCredential").GetBoolean());

        await Page.ClickAsync("#continue");
        await Expect(Page.Locator("#key-list .key-name")).ToHaveTextAsync([keyName]);
        await Expect(Page.Locator("#mode")).ToHaveTextAsync("auth-and-writes");
        await Expect(Page.Locator("#recovery-count")).ToHaveTextAsync("10");
        // Shown once: the account page never lists them again.
        await Expect(Page.Locator("#recovery-codes")).ToHaveCountAsync(0);

        var npm = Npm(user.Token);
        Assert.Equal("auth-and-writes", await ProfileModeAsync(npm));
        var name = UniquePackageName("keyed");
        var publish = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish");
        Assert.False(publish.Succeeded, publish.ToString());
        Assert.Contains("EOTP", publish.Stderr, StringComparison.Ordinal);
        Assert.Null(await Verdaccio.GetPackumentAsync(name));
        Assert.True(await Gateway.Output.WaitForLineAsync($"Account of user {user.Name}: security key added"), Gateway.Output.Tail());

        // From now on signing in takes the key too.
        await Page.ClickAsync("#status form[action='/-/gateway/sign-out'] button");
        await Page.FillAsync("#sign-in input[name=username]", user.Name);
        await Page.FillAsync("#sign-in input[name=password]", user.Password);
        await Page.ClickAsync("#sign-in button[type=submit]");
        await Expect(Page.Locator("#second-factor")).ToBeVisibleAsync();
        await Expect(Page.Locator("#username")).ToHaveCountAsync(0);
        await Page.ClickAsync("#second-factor button.use-key");
        await Expect(Page.Locator("#username")).ToHaveTextAsync(user.Name);
        await Expect(Page.Locator("#key-list .key-name")).ToHaveTextAsync([keyName]);
    });

    [Fact]
    public Task EnableTotp_FromQrPage_RecoveryCodesShown_ProfileAuthAndWrites_PublishWithCodeOfShownSecret() => WithDiagnosticsAsync(async () =>
    {
        var user = await Fixture.CreateUserAsync("totp");
        await SignInAsync(user);

        await Page.ClickAsync("#start-totp button[type=submit]");
        var secret = (await Page.Locator("#secret").InnerTextAsync()).Trim();
        Assert.Matches("^[A-Z2-7]{16,}$", secret);
        var qr = await Page.Locator("#qr").GetAttributeAsync("src");
        Assert.StartsWith("data:image/png;base64,", qr, StringComparison.Ordinal);
        var png = Convert.FromBase64String(qr!["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        // Step 0 for the page; the CLI later uses step +1 (a code accepted for one credential is refused
        // to another as a replay).
        await Page.FillAsync("#confirm-totp input[name=code]", await Totp.CodeAsync(secret));
        await Page.ClickAsync("#confirm-totp button[type=submit]");
        await Expect(Page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        AssertRecoveryCodes(await RecoveryCodesShownAsync());
        await Page.ClickAsync("#continue");
        await Expect(Page.Locator("#mode")).ToHaveTextAsync("auth-and-writes");
        await Expect(Page.Locator("#totp-status")).ToHaveTextAsync("Configured.");
        await Expect(Page.Locator("#recovery-count")).ToHaveTextAsync("10");

        var npm = Npm(user.Token);
        Assert.Equal("auth-and-writes", await ProfileModeAsync(npm));
        var name = UniquePackageName("totp-page");
        var publish = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", await Totp.CodeAsync(secret, +1));
        Assert.True(publish.Succeeded, publish.ToString());
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    });

    [Fact]
    public Task RegenerateRecoveryCodes_WithSecurityKey_NewCodesShown_CountBackToTen_OldCodesRefused() => WithDiagnosticsAsync(async () =>
    {
        var user = await Fixture.CreateUserAsync("regen");
        await SignInAsync(user);
        var firstCodes = await AddFirstKeyAsync("Regenerating key");
        AssertRecoveryCodes(firstCodes);

        // Spend one recovery code from the CLI: 9 left.
        var npm = Npm(user.Token);
        var name = UniquePackageName("regen");
        var spend = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", firstCodes[0]);
        Assert.True(spend.Succeeded, spend.ToString());
        await Page.ReloadAsync();
        await Expect(Page.Locator("#recovery-count")).ToHaveTextAsync("9");
        var signCountBefore = (await Key.CredentialsAsync())[0].GetProperty("signCount").GetInt32();

        await Page.ClickAsync("#regenerate button.use-key");
        await Expect(Page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        var newCodes = await RecoveryCodesShownAsync();
        AssertRecoveryCodes(newCodes);
        Assert.Empty(newCodes.Intersect(firstCodes));
        Assert.True((await Key.CredentialsAsync())[0].GetProperty("signCount").GetInt32() > signCountBefore, "the key was not used");
        await Page.ClickAsync("#continue");
        await Expect(Page.Locator("#recovery-count")).ToHaveTextAsync("10");

        // The old codes are gone from the store, the new ones work.
        var old = await npm.RunAsync(npm.CreatePackage(name, "1.0.1"), "publish", "--otp", firstCodes[1]);
        Assert.False(old.Succeeded, old.ToString());
        var fresh = await npm.RunAsync(npm.CreatePackage(name, "1.0.2"), "publish", "--otp", newCodes[0]);
        Assert.True(fresh.Succeeded, fresh.ToString());
        var versions = (await Verdaccio.GetPackumentAsync(name))?["versions"]?.AsObject();
        Assert.NotNull(versions);
        Assert.Equal(["1.0.0", "1.0.2"], versions.Select(v => v.Key).Order().ToArray());
        Assert.True(await Gateway.Output.WaitForLineAsync($"Account of user {user.Name}: recovery codes regenerated"), Gateway.Output.Tail());
    });

    [Fact]
    public Task DisableTwoFactor_WithPasswordAndSecurityKey_ModeDisabled_PublishWithoutCodeSucceeds() => WithDiagnosticsAsync(async () =>
    {
        var user = await Fixture.CreateUserAsync("disable");
        await SignInAsync(user);
        await AddFirstKeyAsync("Disabling key");
        var npm = Npm(user.Token);
        Assert.Equal("auth-and-writes", await ProfileModeAsync(npm));

        // A right key with a wrong password changes nothing.
        await Page.FillAsync("#disable input[name=password]", user.Password + "-wrong");
        await Page.ClickAsync("#disable button.use-key");
        await Expect(Page.Locator(".error")).ToContainTextAsync("password is not correct");
        await Expect(Page.Locator("#mode")).ToHaveTextAsync("auth-and-writes");

        await Page.FillAsync("#disable input[name=password]", user.Password);
        await Page.ClickAsync("#disable button.use-key");
        await Expect(Page.Locator(".notice")).ToContainTextAsync("disabled");
        await Expect(Page.Locator("#mode")).ToHaveTextAsync("disabled");
        await Expect(Page.Locator("#no-keys")).ToBeVisibleAsync();
        await Expect(Page.Locator("#recovery-count")).ToHaveCountAsync(0);

        Assert.Equal("disabled", await ProfileModeAsync(npm));
        var name = UniquePackageName("after-disable");
        var publish = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish");
        Assert.True(publish.Succeeded, publish.ToString());
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
        Assert.True(await Gateway.Output.WaitForLineAsync($"Account of user {user.Name}: 2FA disabled"), Gateway.Output.Tail());
    });

    [Fact]
    public Task StepUp_AfterFirstKeyPasswordNoLongerCounts_ConfirmWithKey_ThenModeChangesWithoutFurtherFactor() => WithDiagnosticsAsync(async () =>
    {
        // Signed in with the password only; once the account has a key, changes need a second factor.
        var user = await UserWithKeyAsync("stepup");
        await Expect(Page.Locator("#step-up-form")).ToBeVisibleAsync();
        await Expect(Page.Locator("#add-key button.add-key")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#add-key-step-up")).ToBeVisibleAsync();
        await Expect(Page.Locator("#change-mode .second-factor")).ToHaveCountAsync(1);

        await Page.ClickAsync("#step-up-form button.use-key");
        await Expect(Page.Locator(".notice")).ToContainTextAsync("Confirmed");
        await Expect(Page.Locator("#step-up")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#add-key button.add-key")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#change-mode .second-factor")).ToHaveCountAsync(0);
        // Disabling still takes the password and a second factor in its own form.
        await Expect(Page.Locator("#disable .second-factor")).ToHaveCountAsync(1);

        await Page.CheckAsync("#change-mode input[value=auth-only]");
        await Page.ClickAsync("#change-mode button[type=submit]");
        await Expect(Page.Locator(".notice")).ToContainTextAsync("Mode changed to auth-only");
        await Expect(Page.Locator("#mode")).ToHaveTextAsync("auth-only");
        Assert.Equal("auth-only", await ProfileModeAsync(Npm(user.Token)));
    });

    /// <summary>
    /// The "Staged releases" page: a release staged through the API is listed with the file read from its tarball, and
    /// approved with the registry password and the security key; the registry (Verdaccio, publishing with the
    /// approver's own Basic credential) then has the version.
    /// </summary>
    [Fact]
    public Task StagedRelease_ApprovedOnThePageWithPasswordAndSecurityKey_IsPublished() => WithDiagnosticsAsync(async () =>
    {
        var user = await UserWithKeyAsync("stagedpage");
        var name = UniquePackageName("staged-page");
        using var stage = new HttpRequestMessage(HttpMethod.Post, Gateway.RegistryUrl + "-/stage/package/" + name)
        {
            Content = new StringContent(PublishDocuments.Create(name, "1.0.0").ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        stage.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.Token);
        using var staged = await Gateway.Http.SendAsync(stage);
        var answer = await staged.Content.ReadAsStringAsync();
        Assert.True(staged.StatusCode == System.Net.HttpStatusCode.Created, answer);
        var id = System.Text.Json.Nodes.JsonNode.Parse(answer)?["stageId"]?.GetValue<string>();

        await Page.ClickAsync("#staged-link");
        var release = Page.Locator($"#stage-{id}");
        await Expect(release.Locator(".file")).ToHaveTextAsync(["package/package.json"]);
        await release.Locator("form.approve input[name=password]").FillAsync(user.Password);
        await release.Locator("form.approve button.use-key").ClickAsync();

        await Expect(Page.Locator(".notice")).ToContainTextAsync($"{name}@1.0.0 approved and published");
        await Expect(Page.Locator($"#stage-{id}")).ToHaveCountAsync(0);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    });

    /// <summary>
    /// The pages of a gateway under <c>/npm/</c> (docs/ARCHITECTURE.md, "The gateway under a path"): the stylesheet and
    /// script load from under the path, the forms post there, the cookies are scoped to it, and a security key registers
    /// (the script's JSON calls under the path; WebAuthn's origin is the origin alone).
    /// </summary>
    [Fact]
    public Task UnderAPublicPath_SignInLoadsAssets_PostsUnderThePath_CookiesScopedToIt_KeyRegisters() => WithDiagnosticsAsync(async () =>
    {
        await using var prefixed = await GatewayProcess.StartAsync(Verdaccio.Url, "embedded", host: "localhost", publicPath: "/npm/");
        var user = await Fixture.CreateUserAsync("underpath");
        var assets = new List<(string Path, int Status)>();
        Page.Response += (_, response) => assets.Add((new Uri(response.Url).AbsolutePath, response.Status));

        await Page.GotoAsync(prefixed.Url + "/-/gateway/account");
        await Expect(Page.Locator("#sign-in")).ToBeVisibleAsync();
        Assert.StartsWith(prefixed.Url + "/-/gateway/sign-in", Page.Url, StringComparison.Ordinal);
        Assert.Equal("/npm", await Page.EvaluateAsync<string>("publicPath")); // the script ran, and found its path
        await Page.FillAsync("#sign-in input[name=username]", user.Name);
        await Page.FillAsync("#sign-in input[name=password]", user.Password);
        await Page.ClickAsync("#sign-in button[type=submit]");
        await Expect(Page.Locator("#username")).ToHaveTextAsync(user.Name);
        await Page.FillAsync("#add-key input[name=name]", "under a path");
        await Page.ClickAsync("#add-key button.add-key");
        await Expect(Page.Locator("#recovery-codes li")).ToHaveCountAsync(10);

        Assert.Contains(("/npm/-/gateway/assets/gateway.css", 200), assets);
        Assert.Contains(("/npm/-/gateway/assets/gateway.js", 200), assets);
        Assert.Contains(("/npm/-/gateway/account/keys/options", 200), assets);
        Assert.All(assets.Where(a => a.Path != "/favicon.ico"), a => Assert.StartsWith("/npm/", a.Path, StringComparison.Ordinal));
        var cookies = await Page.Context.CookiesAsync();
        Assert.Equal("/npm/-/gateway", Assert.Single(cookies, c => c.Name == "__gw_session").Path);
        Assert.Equal("/npm/-/gateway", Assert.Single(cookies, c => c.Name == "__gw_antiforgery").Path);
    });
}
