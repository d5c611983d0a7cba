using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>Classic login in a terminal (username, password, then the code at the prompt): the client stores a
/// token that works (docs/PROTOCOL.md#5-couch-login).</summary>
public sealed class LoginCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.ClassicLogin is not null);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Login_AtPrompt(string client)
    {
        var user = await World.NewTwoFactorUserAsync(client);
        var session = Session(client, token: null);
        var folder = session.Home.NewFolder("login");

        await using var pty = session.StartInPty(folder, session.Client.ClassicLogin!, classicPrompt: true,
            new PtyStep.Answer("Username:", user.Name),
            new PtyStep.Answer("Password:", user.Password),
            new PtyStep.Answer(session.Client.OtpPrompt!, await CodeAsync(user)));
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        var whoami = await session.RunAsync(folder, session.Client.Whoami!);
        AssertSucceeded(whoami);
        Assert.Equal(user.Name, whoami.Stdout.Trim());
    }

    public static TheoryData<string> WebClients => Matrix.Where(c => c.WebLogin is not null);

    /// <summary>Web login: the client prints the gateway's login page; password, then a code, in the browser
    /// (docs/PROTOCOL.md#42-web-login); the client collects the registry's token by itself.</summary>
    [Theory]
    [MemberData(nameof(WebClients))]
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
}
