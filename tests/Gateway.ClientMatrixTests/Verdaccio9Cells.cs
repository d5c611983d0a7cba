using System.Net.Http.Json;
using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>
/// The matrix's publish/login subset against Verdaccio 9 (README, "Verdaccio 9"), which takes no Basic credentials:
/// one client of each family, the two npm lines with their own Node, so the suite proves the gateway on both registry
/// lines without running every cell twice. Two classes, so that publish and login run side by side.
/// </summary>
public sealed class Verdaccio9PublishCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => Verdaccio9Families.Contains(c.Id));

    /// <summary>npm 11 and 12 (Node 22), pnpm 12 (native), Yarn 1, Yarn 4, Bun.</summary>
    internal static readonly string[] Verdaccio9Families = ["npm11", "npm12", "pnpm12", "yarn1", "yarn4", "bun"];

    private protected override VerdaccioVersion Registry => VerdaccioVersion.V9;

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Publish_WithCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "v9-publish");
        var folder = await session.CreatePackageAsync(name);

        var result = await session.RunAsync(folder, session.Client.Publish(await CodeAsync(user)));

        AssertSucceeded(result);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    }
}

/// <summary>
/// Web login through the gateway in front of Verdaccio 9, for the families that can log in (npm, pnpm 12); and the
/// classic (couch) login, which Verdaccio 9 itself refuses to an existing account, shown straight at the registry.
/// </summary>
public sealed class Verdaccio9LoginCells : MatrixTest
{
    public static TheoryData<string> Clients =>
        Matrix.Where(c => c.WebLogin is not null && Verdaccio9PublishCells.Verdaccio9Families.Contains(c.Id));

    private protected override VerdaccioVersion Registry => VerdaccioVersion.V9;

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Login_Web(string client)
    {
        var user = await World.NewTwoFactorUserAsync(client);
        var session = Session(client, token: null);
        var folder = session.Home.NewFolder("login");
        await using var browser = await ApprovalBrowser.OpenAsync(World);

        await using var pty = session.StartInPty(folder, session.Client.WebLogin!, classicPrompt: false, new PtyStep.LoginUrl());
        await browser.LogInAsync(await pty.WaitForUrlAsync(), user.User, await CodeAsync(user));
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        var whoami = await session.RunAsync(folder, session.Client.Whoami!);
        AssertSucceeded(whoami);
        Assert.Equal(user.Name, whoami.Stdout.Trim());
    }

    /// <summary>
    /// Why the matrix has no classic-login cell on Verdaccio 9: npm's couch login of an account that exists fails
    /// against Verdaccio 9 with no gateway in the way (409 to the sign-up, then a Basic request it refuses: E401),
    /// though the password is right.
    /// </summary>
    [Fact]
    public async Task ClassicLogin_ExistingAccount_FailsStraightAtVerdaccio9_npm11()
    {
        var user = await World.NewUserAsync("npm11");
        var session = Session("npm11", token: null, registryUrl: Verdaccio.Url + "/");
        var folder = session.Home.NewFolder("login");

        await using var pty = session.StartInPty(folder, session.Client.ClassicLogin!, classicPrompt: true,
            new PtyStep.Answer("Username:", user.Name),
            new PtyStep.Answer("Password:", user.Password));
        var result = await pty.WaitForExitAsync();

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("E401", result.Text);
        // The password is right: Verdaccio 9's own web-UI sign-in takes it.
        using var signIn = await Verdaccio.Http.PostAsJsonAsync("-/verdaccio/sec/login", new { username = user.Name, password = user.Password });
        Assert.True(signIn.IsSuccessStatusCode, $"{(int)signIn.StatusCode} {await signIn.Content.ReadAsStringAsync()}");
    }
}
