using Gateway.IntegrationTests.Harness;
using Microsoft.Playwright;

namespace Gateway.BrowserTests.Infrastructure;

/// <summary>
/// Per test class: one real Verdaccio, one gateway in front of it (embedded store, public URL on
/// <c>localhost</c>) and one headless Debian <c>chromium</c> driven by Playwright. Tests take a fresh
/// browser context (cookies) and a fresh user each.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium: Playwright's own browser downloads are never used (docs/ARCHITECTURE.md#tests).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_chromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private VerdaccioProcess? _verdaccio;
    private BrowserGateway? _gateway;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private int _userCounter;

    internal VerdaccioProcess Verdaccio => _verdaccio ?? throw new InvalidOperationException("Fixture not initialised.");

    internal BrowserGateway Gateway => _gateway ?? throw new InvalidOperationException("Fixture not initialised.");

    internal IBrowser Browser => _browser ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (scripts/test.sh does).");
        }

        // Playwright's driver must not try to fetch browsers of its own.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var verdaccio = VerdaccioProcess.StartAsync();
        var playwright = Playwright.CreateAsync();
        try
        {
            await Task.WhenAll(verdaccio, playwright);
        }
        finally
        {
            _verdaccio = verdaccio.IsCompletedSuccessfully ? verdaccio.Result : null;
            _playwright = playwright.IsCompletedSuccessfully ? playwright.Result : null;
        }

        var browser = _playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_chromiumArgs,
            Timeout = 60_000,
        });
        var gateway = BrowserGateway.StartAsync(_verdaccio!.Url);
        try
        {
            await Task.WhenAll(browser, gateway);
        }
        finally
        {
            _browser = browser.IsCompletedSuccessfully ? browser.Result : null;
            _gateway = gateway.IsCompletedSuccessfully ? gateway.Result : null;
        }
    }

    /// <summary>A user with a unique name, created on Verdaccio (as <c>npm adduser</c> would).</summary>
    internal Task<RegistryUser> CreateUserAsync(string prefix)
    {
        var n = Interlocked.Increment(ref _userCounter);
        return Verdaccio.CreateUserAsync($"{prefix}{n}-{Guid.NewGuid().ToString("N")[..6]}", "pw-" + Guid.NewGuid().ToString("N"));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_verdaccio is not null)
        {
            await _verdaccio.DisposeAsync();
        }
    }
}
