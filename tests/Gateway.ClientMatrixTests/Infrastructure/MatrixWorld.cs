using Microsoft.Playwright;

namespace Gateway.ClientMatrixTests.Infrastructure;

/// <summary>
/// One real Verdaccio and one gateway in front of it (embedded store, public URL on <c>localhost</c> because
/// the approval pages take security keys; trusting a local CI identity provider) per Verdaccio line, shared by the whole matrix: started by the first
/// test that asks for that line and stopped at the end of the run. Cells do not interfere: each has its own
/// user, token and packages. Headless Debian chromium, one for every line, is started only when a web-flow cell
/// needs it. <see cref="MatrixTestFramework"/> stops it all at the end of the run.
/// </summary>
internal sealed class MatrixWorld
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static readonly Dictionary<VerdaccioVersion, MatrixWorld> s_worlds = [];
    private static readonly SemaphoreSlim s_browserGate = new(1, 1);
    private static IPlaywright? s_playwright;
    private static IBrowser? s_browser;

    private MatrixWorld(VerdaccioProcess verdaccio, GatewayProcess gateway, LocalOidcIssuer issuer, RegistryUser trustedPublisherAccount)
    {
        Verdaccio = verdaccio;
        Gateway = gateway;
        Issuer = issuer;
        TrustedPublisherAccount = trustedPublisherAccount;
    }

    /// <summary>
    /// The matrix tests clients, not outages: on a loaded 2-core CI machine a store call of the freshly started
    /// embedded store can exceed the default 2 s, and the breaker would then answer 503 to the next cells' set-up.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> GatewaySettings { get; } = new Dictionary<string, string?>
    {
        ["Gateway__Resilience__StoreTimeout"] = "00:00:15",
        ["Gateway__Resilience__RegistryTimeout"] = "00:00:15",
    };

    public VerdaccioProcess Verdaccio { get; }

    public GatewayProcess Gateway { get; }

    /// <summary>
    /// The CI provider the gateway trusts (README, "Trusted publishing"): GitHub Actions' id-token endpoint on loopback.
    /// Its <see cref="LocalOidcIssuer.JobClaims"/> are one job's at a time: only <see cref="TrustedPublishingCells"/> sets them.
    /// </summary>
    public LocalOidcIssuer Issuer { get; }

    /// <summary>The registry account trusted publishes reach the registry as (<c>Gateway:TrustedPublishing:RegistryToken</c>).</summary>
    public RegistryUser TrustedPublisherAccount { get; }

    /// <summary>
    /// The registry URL clients are given: the gateway's public URL, as users configure it. Bun follows the web
    /// flow only when <c>doneUrl</c> is on the registry's own host (docs/PROTOCOL.md#41-web-otp).
    /// </summary>
    public string RegistryUrl => Gateway.RegistryUrl;

    public static async Task<MatrixWorld> GetAsync(VerdaccioVersion version)
    {
        await s_gate.WaitAsync();
        try
        {
            if (!s_worlds.TryGetValue(version, out var world))
            {
                var verdaccio = await VerdaccioProcess.StartAsync(version: version);
                var issuer = await LocalOidcIssuer.StartAsync();
                var publisher = await verdaccio.CreateUniqueUserAsync("cibot-");
                var settings = new Dictionary<string, string?>(GatewaySettings)
                {
                    ["Gateway__TrustedPublishing__Issuers__0__Issuer"] = issuer.Issuer,
                    ["Gateway__TrustedPublishing__Issuers__0__Type"] = "github",
                    ["Gateway__TrustedPublishing__RegistryToken"] = publisher.Token,
                };
                var gateway = await GatewayProcess.StartAsync(verdaccio.Url, "embedded", settings, host: "localhost");
                world = s_worlds[version] = new MatrixWorld(verdaccio, gateway, issuer, publisher);
            }

            return world;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>A new registry user (as <c>npm adduser</c> makes one), no 2FA yet.</summary>
    public Task<RegistryUser> NewUserAsync(string prefix) => Verdaccio.CreateUniqueUserAsync(prefix + "-");

    /// <summary>A new user enrolled in auth-and-writes with an authenticator app, as <c>npm profile enable-2fa</c> does it.</summary>
    public async Task<TwoFactorUser> NewTwoFactorUserAsync(string prefix) => await Gateway.EnrolAsync(await NewUserAsync(prefix));

    /// <summary>The shared headless chromium (Debian's; Playwright's own browsers are never installed).</summary>
    public async Task<IBrowser> BrowserAsync()
    {
        await s_browserGate.WaitAsync();
        try
        {
            if (s_browser is null)
            {
                s_playwright = await Chromium.CreatePlaywrightAsync();
                s_browser = await Chromium.LaunchAsync(s_playwright);
            }

            return s_browser;
        }
        finally
        {
            s_browserGate.Release();
        }
    }

    /// <summary>Stops the worlds of this run and the browser, if tests started them.</summary>
    public static void StopIfStarted()
    {
        s_gate.Wait();
        try
        {
            // First, without waiting for anything: the runner kills the test host shortly after the last test.
            foreach (var world in s_worlds.Values)
            {
                KillQuietly(world.Gateway.ProcessId);
                KillQuietly(world.Verdaccio.ProcessId);
            }

            CloseBrowser();
            foreach (var world in s_worlds.Values)
            {
                world.Gateway.DisposeAsync().AsTask().Wait();
                world.Verdaccio.DisposeAsync().AsTask().Wait();
                world.Issuer.DisposeAsync().AsTask().Wait();
            }

            s_worlds.Clear();
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static void CloseBrowser()
    {
        try
        {
            s_browser?.CloseAsync().Wait(TimeSpan.FromSeconds(5));
            s_playwright?.Dispose();
        }
        catch (Exception e) when (e is PlaywrightException or AggregateException)
        {
            // The browser process is killed with the test host anyway.
        }

        s_browser = null;
        s_playwright = null;
    }

    private static void KillQuietly(int? processId)
    {
        try
        {
            if (processId is { } id)
            {
                using var process = System.Diagnostics.Process.GetProcessById(id);
                process.Kill();
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
