using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>Publish with a code on the command line, as in CI: every client.</summary>
public sealed class PublishWithCodeCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(_ => true);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Publish_WithCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "otp-publish");
        var folder = await session.CreatePackageAsync(name);

        var result = await session.RunAsync(folder, session.Client.Publish(await CodeAsync(user)));

        AssertSucceeded(result);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    }
}

/// <summary>Publish without a code and without a terminal: the client must fail and say what is missing. (Bun
/// waits for an approval instead: <see cref="ExpiredApprovalTests"/>.)</summary>
public sealed class PublishWithoutTerminalCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => !c.WaitsForApprovalWithoutTerminal);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Publish_NoCodeNoTerminal(string client)
    {
        var (_, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "no-code");
        var folder = await session.CreatePackageAsync(name);

        var result = await session.RunAsync(folder, session.Client.Publish(null));

        AssertRefusedForMissingCode(result);
        Assert.Null(await Verdaccio.GetPackumentAsync(name));
    }
}

/// <summary>Publish in a terminal without a code: the client's own one-time-password prompt, answered.</summary>
public sealed class PublishAtPromptCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.OtpPrompt is not null);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Publish_AtPrompt(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "prompt");
        var folder = await session.CreatePackageAsync(name);

        await using var pty = session.StartInPty(folder, session.Client.Publish(null), classicPrompt: true,
            new PtyStep.Answer(session.Client.OtpPrompt!, await CodeAsync(user)));
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    }
}
