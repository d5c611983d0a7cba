using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>
/// A staged release approved in the browser with a security key, as a maintainer without an authenticator app does it:
/// <c>stage approve</c> in a terminal prints the gateway's approval page and waits; the page takes the key; the client
/// then finishes and the registry has the version (docs/PROTOCOL.md#41-web-otp). A class of its own, so that it runs
/// beside <see cref="StageCells"/>.
/// </summary>
public sealed class StageWebFlowCells : MatrixTest
{
    public static TheoryData<string> Clients =>
        Matrix.Where(c => c.FollowsWebFlow && c.StageApprove(["id"], null) is not null && c.Id != "npm11");

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task StageApprove_Web_ApprovedWithSecurityKey(string client)
    {
        var user = await World.NewUserAsync(client);
        await using var browser = await ApprovalBrowser.OpenAsync(World);
        await browser.RegisterKeyAsync(Gateway.Url, user);
        var session = Session(client, user.Token);
        var name = UniquePackageName(client, "stage-web");
        var folder = await session.CreatePackageAsync(name);
        var staged = await session.RunAsync(folder, session.Client.StagePublish!);
        AssertSucceeded(staged);
        var id = StageIds.Of(staged);

        await using var pty = session.StartInPty(folder, session.Client.StageApprove([id], null)!, classicPrompt: false, new PtyStep.ApprovalUrl());
        var authUrl = await pty.WaitForUrlAsync();
        Assert.Null(await Verdaccio.GetPackumentAsync(name));
        await browser.ApproveWithKeyAsync(authUrl, user.Name, "stage-approve");
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    }
}
