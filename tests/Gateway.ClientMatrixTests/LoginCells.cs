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

        await using var pty = ClientPty.Start(session, folder, session.Client.ClassicLogin!, classicPrompt: true,
            new TerminalStep.Answer("Username:", user.Name),
            new TerminalStep.Answer("Password:", user.Password),
            new TerminalStep.Answer(session.Client.OtpPrompt!, await CodeAsync(user)));
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        var whoami = await session.RunAsync(folder, "whoami");
        AssertSucceeded(whoami);
        Assert.Equal(user.Name, whoami.Stdout.Trim());
    }
}
