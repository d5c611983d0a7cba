using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>
/// Publish in a terminal without a code, for the clients that follow the gateway's web flow: the client prints
/// the approval URL and polls <c>doneUrl</c>; the approval page (chromium) takes a code or the security key;
/// the client then finishes by itself (docs/PROTOCOL.md#41-web-otp).
/// </summary>
public sealed class WebFlowCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.FollowsWebFlow);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task WebPublish_ApprovedWithCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "web-code");
        var folder = await session.CreatePackageAsync(name);
        await using var browser = await ApprovalBrowser.OpenAsync(World);

        await using var pty = session.StartInPty(folder, session.Client.Publish(null), classicPrompt: false, new PtyStep.ApprovalUrl());
        var authUrl = await pty.WaitForUrlAsync();
        Assert.Null(await Verdaccio.GetPackumentAsync(name));
        await browser.ApproveWithCodeAsync(authUrl, user.Name, "publish", await CodeAsync(user));
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task WebPublish_ApprovedWithSecurityKey(string client)
    {
        var user = await World.NewUserAsync(client);
        await using var browser = await ApprovalBrowser.OpenAsync(World);
        await browser.RegisterKeyAsync(Gateway.Url, user);
        var session = Session(client, user.Token);
        var name = UniquePackageName(client, "web-key");
        var folder = await session.CreatePackageAsync(name);

        await using var pty = session.StartInPty(folder, session.Client.Publish(null), classicPrompt: false, new PtyStep.ApprovalUrl());
        await browser.ApproveWithKeyAsync(await pty.WaitForUrlAsync(), user.Name, "publish");
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    }
}
