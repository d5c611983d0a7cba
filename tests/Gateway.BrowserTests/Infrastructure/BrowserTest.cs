using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.BrowserTests.Infrastructure;

/// <summary>
/// Base of the browser tests: a fresh browser context and page with a virtual security key per test, page
/// helpers for the gateway's own pages, npm CLIs pointed at the gateway, and failure messages that carry the
/// page's text and the gateway's log.
/// </summary>
public abstract partial class BrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan s_uiTimeout = TimeSpan.FromSeconds(15);

    private readonly List<IDisposable> _disposables = [];
    private IBrowserContext? _context;
    private IPage? _page;
    private VirtualAuthenticator? _key;

    static BrowserTest() => SetDefaultExpectTimeout((float)s_uiTimeout.TotalMilliseconds);

    private protected BrowserFixture Fixture => fixture;

    private protected BrowserGateway Gateway => fixture.Gateway;

    private protected VerdaccioProcess Verdaccio => fixture.Verdaccio;

    private protected IPage Page => _page ?? throw new InvalidOperationException("No page.");

    /// <summary>The security key plugged into <see cref="Page"/>.</summary>
    private protected VirtualAuthenticator Key
    {
        get => _key ?? throw new InvalidOperationException("No authenticator.");
        set => _key = value;
    }

    public async Task InitializeAsync()
    {
        _context = await fixture.Browser.NewContextAsync();
        _context.SetDefaultTimeout((float)s_uiTimeout.TotalMilliseconds);
        _page = await _context.NewPageAsync();
        _key = await VirtualAuthenticator.AttachAsync(_page);
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }

    /// <summary>Runs a test body; a failure is reported with the page's URL and text and the gateway's log.</summary>
    private protected async Task WithDiagnosticsAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception e)
        {
            string pageText;
            try
            {
                pageText = _page is null ? "(no page)" : $"{_page.Url}\n{await _page.InnerTextAsync("body", new() { Timeout = 2000 })}";
            }
            catch (PlaywrightException pe)
            {
                pageText = "(page text unavailable: " + pe.Message + ")";
            }

            throw new BrowserTestFailure(
                $"{e.GetType().Name}: {e.Message}\n--- page ---\n{pageText}\n--- gateway log (tail) ---\n{Gateway.Output.Tail(60)}", e);
        }
    }

    /// <summary>An npm CLI (own HOME, config and cache) pointed at the gateway, with <paramref name="token"/> if given.</summary>
    private protected NpmCli Npm(string? token = null)
    {
        var npm = new NpmCli(Gateway.RegistryUrl);
        if (token is not null)
        {
            npm.SetToken(token);
        }

        _disposables.Add(npm);
        return npm;
    }

    private protected static string UniquePackageName(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>The mode <c>npm profile get</c> shows through the gateway.</summary>
    private protected static async Task<string> ProfileModeAsync(NpmCli npm)
    {
        var profile = await npm.RunAsync(npm.NewFolder("profile"), "profile", "get");
        Assert.True(profile.Succeeded, profile.ToString());
        var match = ProfileModePattern().Match(profile.Stdout);
        Assert.True(match.Success, profile.ToString());
        return match.Groups[1].Value;
    }

    /// <summary>Signs in on the gateway's sign-in page (user without 2FA) and waits for the account page.</summary>
    private protected async Task SignInAsync(RegistryUser user)
    {
        await Page.GotoAsync(Gateway.Url + "/-/gateway/sign-in");
        await Page.FillAsync("#sign-in input[name=username]", user.Name);
        await Page.FillAsync("#sign-in input[name=password]", user.Password);
        await Page.ClickAsync("#sign-in button[type=submit]");
        await Expect(Page.Locator("#username")).ToHaveTextAsync(user.Name);
    }

    /// <summary>Registers the plugged-in virtual key under <paramref name="name"/> as the account's first
    /// factor; returns the recovery codes shown once, and leaves the page on the account page.</summary>
    private protected async Task<IReadOnlyList<string>> AddFirstKeyAsync(string name)
    {
        await Page.FillAsync("#add-key input[name=name]", name);
        await Page.ClickAsync("#add-key button.add-key");
        await Expect(Page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        var codes = await RecoveryCodesShownAsync();
        await Page.ClickAsync("#continue");
        await Expect(Page.Locator("#key-list")).ToBeVisibleAsync();
        return codes;
    }

    /// <summary>A user who signed in on this page and registered this page's virtual key.</summary>
    private protected async Task<RegistryUser> UserWithKeyAsync(string prefix, string keyName = "CI key")
    {
        var user = await fixture.CreateUserAsync(prefix);
        await SignInAsync(user);
        await AddFirstKeyAsync(keyName);
        await Expect(Page.Locator("#mode")).ToHaveTextAsync("auth-and-writes");
        return user;
    }

    private protected async Task<IReadOnlyList<string>> RecoveryCodesShownAsync() =>
        [.. (await Page.Locator("#recovery-codes li code").AllInnerTextsAsync()).Select(c => c.Trim())];

    private protected static void AssertRecoveryCodes(IReadOnlyList<string> codes)
    {
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches(RecoveryCodePattern(), c));
    }

    [GeneratedRegex(@"two-factor auth\s*:?\s+(\S+)")]
    private static partial Regex ProfileModePattern();

    [GeneratedRegex(@"^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$")]
    private protected static partial Regex RecoveryCodePattern();
}

/// <summary>A browser test's failure, with the page and gateway log attached.</summary>
public sealed class BrowserTestFailure(string message, Exception inner) : Exception(message, inner);
