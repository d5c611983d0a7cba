using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>
/// Publishing three workspace packages in one command takes one code: on the command line (every request of
/// the command carries it), or typed on each approval page the command opens (the code stays good for the
/// credential that opened the flows, docs/PROTOCOL.md#23-retries).
/// </summary>
public sealed class WorkspaceCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.PublishAll("000000") is not null);

    public static TheoryData<string> WebClients => Matrix.Where(c => c.PublishAll(null) is not null && c.FollowsWebFlow && c.Id != "pnpm10");

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task WorkspacePublish_OneCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var names = Enumerable.Range(1, 3).Select(i => UniquePackageName(client, $"ws{i}")).ToList();
        var root = session.Home.CreateWorkspace(names);

        var result = await session.RunAsync(root, session.Client.PublishAll(await CodeAsync(user))!);

        AssertSucceeded(result);
        foreach (var name in names)
        {
            Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
        }
    }

    [Theory]
    [MemberData(nameof(WebClients))]
    public async Task WorkspacePublish_Web_SameCodeOnEveryPage(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var names = Enumerable.Range(1, 3).Select(i => UniquePackageName(client, $"webws{i}")).ToList();
        var root = session.Home.CreateWorkspace(names);
        await using var browser = await ApprovalBrowser.OpenAsync(World);

        await using var pty = session.StartInPty(root, session.Client.PublishAll(null)!, classicPrompt: false,
            new PtyStep.ApprovalUrl(), new PtyStep.ApprovalUrl(), new PtyStep.ApprovalUrl());
        var first = await pty.WaitForUrlAsync(0);
        var code = await CodeAsync(user); // now, so that its window (at least 33 s) covers the three pages
        await browser.ApproveWithCodeAsync(first, user.Name, "publish", code);
        for (var i = 1; i < names.Count; i++)
        {
            await browser.ApproveWithCodeAsync(await pty.WaitForUrlAsync(i), user.Name, "publish", code);
        }

        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        foreach (var name in names)
        {
            Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
        }
    }
}
