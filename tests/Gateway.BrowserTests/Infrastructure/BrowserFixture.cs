using Microsoft.Playwright;

namespace Gateway.BrowserTests.Infrastructure;

/// <summary>
/// Per test class: one real Verdaccio, one gateway in front of it (embedded store, public URL on
/// <c>localhost</c>) and one headless Debian <c>chromium</c> (<see cref="Chromium"/>). Tests take a fresh
/// browser context (cookies) and a fresh user each.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private VerdaccioProcess? _verdaccio;
    private BrowserGateway? _gateway;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal VerdaccioProcess Verdaccio => _verdaccio ?? throw new InvalidOperationException("Fixture not initialised.");

    internal BrowserGateway Gateway => _gateway ?? throw new InvalidOperationException("Fixture not initialised.");

    internal IBrowser Browser => _browser ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        var verdaccio = VerdaccioProcess.StartAsync();
        var playwright = Chromium.CreatePlaywrightAsync();
        try
        {
            await Task.WhenAll(verdaccio, playwright);
        }
        finally
        {
            _verdaccio = verdaccio.IsCompletedSuccessfully ? verdaccio.Result : null;
            _playwright = playwright.IsCompletedSuccessfully ? playwright.Result : null;
        }

        var browser = Chromium.LaunchAsync(_playwright!);
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
    internal Task<RegistryUser> CreateUserAsync(string prefix) => Verdaccio.CreateUniqueUserAsync(prefix);

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
