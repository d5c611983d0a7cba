using Gateway.ClientMatrixTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Gateway.ClientMatrixTests;

/// <summary>
/// A code on an approval page is bound like a code on the command line: to the credential whose request opened
/// the flow (docs/PROTOCOL.md#23-retries). So a code just used with <c>--otp</c> still approves that
/// credential's next command, and another credential's page refuses it.
/// </summary>
public sealed class ApprovalCodeReuseTests : MatrixTest
{
    [Fact]
    public async Task CodeUsedWithOtp_ApprovesSameCredentialsPage_RefusedOnAnotherCredentialsPage_npm11()
    {
        var (user, first) = await TwoFactorClientAsync("npm11");
        var second = Session("npm11", await Verdaccio.LoginAsync(user.User));
        var code = await CodeAsync(user);
        var viaOtp = UniquePackageName("npm11", "otp");
        var viaPage = UniquePackageName("npm11", "page");
        var otherCredential = UniquePackageName("npm11", "other");
        await using var browser = await ApprovalBrowser.OpenAsync(World);

        var published = await first.RunAsync(await first.CreatePackageAsync(viaOtp), first.Client.Publish(code));
        AssertSucceeded(published);

        await using (var pty = first.StartInPty(await first.CreatePackageAsync(viaPage), first.Client.Publish(null), classicPrompt: false, new PtyStep.ApprovalUrl()))
        {
            await browser.ApproveWithCodeAsync(await pty.WaitForUrlAsync(), user.Name, "publish", code);
            AssertSucceeded(await pty.WaitForExitAsync());
        }

        await using (var pty = second.StartInPty(await second.CreatePackageAsync(otherCredential), second.Client.Publish(null), classicPrompt: false, new PtyStep.ApprovalUrl()))
        {
            await browser.Page.GotoAsync(await pty.WaitForUrlAsync());
            await browser.Page.FillAsync("#authorize input[name=code]", code);
            await browser.Page.ClickAsync("#authorize button[type=submit]");
            await Expect(browser.Page.Locator("#authorize .error")).ToHaveTextAsync("That second factor was not accepted.");
            Assert.False(pty.HasExited, "npm must still be waiting:\n" + pty.Output);
        }

        Assert.NotNull((await Verdaccio.GetPackumentAsync(viaOtp))?["versions"]?["1.0.0"]);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(viaPage))?["versions"]?["1.0.0"]);
        Assert.Null(await Verdaccio.GetPackumentAsync(otherCredential));
    }
}
