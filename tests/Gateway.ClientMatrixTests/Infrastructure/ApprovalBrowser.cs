using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.ClientMatrixTests.Infrastructure;

/// <summary>A fresh browser context with a virtual security key plugged in: the person approving a command.</summary>
internal sealed class ApprovalBrowser : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private ApprovalBrowser(IBrowserContext context, IPage page, VirtualAuthenticator key)
    {
        _context = context;
        Page = page;
        Key = key;
    }

    public IPage Page { get; }

    public VirtualAuthenticator Key { get; }

    public static async Task<ApprovalBrowser> OpenAsync(MatrixWorld world)
    {
        var context = await (await world.BrowserAsync()).NewContextAsync();
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return new ApprovalBrowser(context, page, await VirtualAuthenticator.AttachAsync(page));
    }

    /// <summary>Signs <paramref name="user"/> (no 2FA yet) in on the account page and registers this browser's key as
    /// the first factor, which puts the account in auth-and-writes.</summary>
    public async Task RegisterKeyAsync(string gatewayUrl, RegistryUser user)
    {
        await Page.GotoAsync(gatewayUrl + "/-/gateway/sign-in");
        await Page.FillAsync("#sign-in input[name=username]", user.Name);
        await Page.FillAsync("#sign-in input[name=password]", user.Password);
        await Page.ClickAsync("#sign-in button[type=submit]");
        await Expect(Page.Locator("#username")).ToHaveTextAsync(user.Name);
        await Page.FillAsync("#add-key input[name=name]", "matrix key");
        await Page.ClickAsync("#add-key button.add-key");
        await Expect(Page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Page.ClickAsync("#continue");
        await Expect(Page.Locator("#mode")).ToHaveTextAsync("auth-and-writes");
    }

    /// <summary>npm's web login on the gateway's page: the password, then a code; the page says the client is logged in.</summary>
    public async Task LogInAsync(string loginUrl, RegistryUser user, string code)
    {
        await Page.GotoAsync(loginUrl);
        await Page.FillAsync("#login input[name=username]", user.Name);
        await Page.FillAsync("#login input[name=password]", user.Password);
        await Page.ClickAsync("#login button[type=submit]");
        await Page.FillAsync("#login-second-factor input[name=code]", code);
        await Page.ClickAsync("#login-second-factor button[type=submit]");
        await Expect(Page.Locator("#logged-in")).ToBeVisibleAsync();
    }

    /// <summary>Opens an approval page, checks it names the user and the action, and approves with a code.</summary>
    public async Task ApproveWithCodeAsync(string authUrl, string user, string action, string code)
    {
        await OpenApprovalAsync(authUrl, user, action);
        await Page.FillAsync("#authorize input[name=code]", code);
        await Page.ClickAsync("#authorize button[type=submit]");
        await Expect(Page.Locator("#approved")).ToBeVisibleAsync();
    }

    /// <summary>Opens an approval page and approves with the security key.</summary>
    public async Task ApproveWithKeyAsync(string authUrl, string user, string action)
    {
        await OpenApprovalAsync(authUrl, user, action);
        await Page.ClickAsync("#authorize button.use-key");
        await Expect(Page.Locator("#approved")).ToBeVisibleAsync();
    }

    private async Task OpenApprovalAsync(string authUrl, string user, string action)
    {
        await Page.GotoAsync(authUrl);
        await Expect(Page.Locator("#flow-user")).ToHaveTextAsync(user);
        await Expect(Page.Locator("#flow-action")).ToHaveTextAsync(action);
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
