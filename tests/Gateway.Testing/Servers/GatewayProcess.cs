using System.Net;

namespace Gateway.Testing;

/// <summary>The real gateway (its build output, <see cref="RepoPaths.GatewayDll"/>) as a child process on a
/// free loopback port in front of the registry at <c>upstreamUrl</c>. Output is captured across restarts so
/// tests can grep it; Stop/Restart keep the port and the data folder (the embedded store's files).</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string?> _environment;
    private readonly TempDirectory? _ownedDataDir;
    private ChildProcess? _process;

    private GatewayProcess(int port, string host, string publicPath, Dictionary<string, string?> environment, TempDirectory? ownedDataDir, string dataPath)
    {
        Port = port;
        Origin = $"http://{host}:{port}";
        Url = Origin + publicPath.TrimEnd('/');
        DataPath = dataPath;
        _environment = environment;
        _ownedDataDir = ownedDataDir;
        Http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>Scheme, host and port: where it listens.</summary>
    public string Origin { get; }

    /// <summary>Base URL without trailing slash: <see cref="Origin"/>, plus the public path if it has one.</summary>
    public string Url { get; }

    /// <summary>Registry URL as npm wants it (with trailing slash).</summary>
    public string RegistryUrl => Url + "/";

    public string DataPath { get; }

    /// <summary>The settings it runs with (<c>Gateway__*</c> variables), for operator commands run against it.</summary>
    public IReadOnlyDictionary<string, string?> Environment => _environment;

    public HttpClient Http { get; }

    /// <summary>Everything the gateway wrote to stdout/stderr, over all its runs.</summary>
    public OutputBuffer Output { get; } = new();

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The running gateway's process id, if it runs.</summary>
    public int? ProcessId => _process?.Id;

    /// <param name="upstreamUrl">The registry behind the gateway, e.g. Verdaccio's URL.</param>
    /// <param name="store">A Redis connection string (<c>127.0.0.1:6379</c>) or <c>embedded</c>.</param>
    /// <param name="extraEnvironment">More settings (<c>Gateway__X=...</c>); a null value removes a variable.</param>
    /// <param name="dataPath">Data folder to use (e.g. shared with an earlier gateway); default a fresh temp folder.</param>
    /// <param name="host">
    /// The host of its public URL and of the address it listens on. <c>localhost</c> for browser tests:
    /// WebAuthn's RP ID must be a host name, not an IP literal.
    /// </param>
    /// <param name="publicPath">The path of its public URL (<c>/npm/</c>): it then serves everything under it.</param>
    public static async Task<GatewayProcess> StartAsync(
        string upstreamUrl,
        string store,
        IReadOnlyDictionary<string, string?>? extraEnvironment = null,
        string? dataPath = null,
        string host = "127.0.0.1",
        string publicPath = "/")
    {
        var port = FreePort.Next();
        var owned = dataPath is null ? new TempDirectory("gateway-data") : null;
        dataPath ??= owned!.Path;

        var env = new Dictionary<string, string?>
        {
            // Inherited settings that would change the listening address.
            ["ASPNETCORE_URLS"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
            ["DOTNET_URLS"] = null,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["Gateway__Upstream"] = upstreamUrl,
            ["Gateway__PublicUrl"] = $"http://{host}:{port}" + (publicPath == "/" ? "" : publicPath),
            ["Gateway__Store"] = store,
            ["Gateway__DataPath"] = dataPath,
            // Every test's client is 127.0.0.1 and the store is shared by the whole run: one network's wrong passwords
            // would add up across tests. The back-off itself is tested in host tests (PasswordGuessingHostTests).
            ["Gateway__SignIn__AddressFreeFailures"] = "1000",
        };
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        var gateway = new GatewayProcess(port, host, publicPath, env, owned, dataPath);
        try
        {
            await gateway.StartProcessAsync();
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        return gateway;
    }

    /// <summary>Kills the gateway (no graceful shutdown: as a crash would).</summary>
    public void Stop()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Stops and starts it again on the same port with the same settings and data folder.</summary>
    public async Task RestartAsync()
    {
        Stop();
        Output.Add("stdout", "=== harness: gateway restart ===");
        await StartProcessAsync();
    }

    private async Task StartProcessAsync()
    {
        var dll = RepoPaths.GatewayDll;
        // Working directory = its build output, so it finds its appsettings.json as in production.
        var process = ChildProcess.Start(
            "dotnet",
            [dll, "--urls", Origin],
            Path.GetDirectoryName(dll)!,
            _environment,
            Output);
        _process = process;

        await Wait.UntilAsync(
            $"gateway on {Url} ({dll})",
            async () =>
            {
                using var response = await Http.GetAsync("-/gateway/health");
                return response.StatusCode == HttpStatusCode.OK;
            },
            () => process.HasExited,
            () => "--- gateway output ---\n" + Output.Tail(200),
            s_startTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        Http.Dispose();
        _ownedDataDir?.Dispose();
        await Task.CompletedTask;
    }
}
