using Gateway.IntegrationTests.Harness;

namespace Gateway.BrowserTests.Infrastructure;

/// <summary>
/// The real gateway (the harness's <see cref="RepoPaths.GatewayDll"/>) for browser tests. Unlike the
/// harness's <c>GatewayProcess</c>, the port is chosen before start so that <c>Gateway__PublicUrl</c> can be
/// <c>http://localhost:PORT</c>: WebAuthn's RP ID must be a host name (an IP literal is not valid), and the
/// URLs the gateway hands npm (authUrl, loginUrl, doneUrl) must be the origin the browser uses. It listens on
/// "localhost" (both loopback addresses) so that npm reaching <c>doneUrl</c> works whichever one it picks.
/// </summary>
internal sealed class BrowserGateway : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data;
    private readonly ChildProcess _process;

    private BrowserGateway(int port, TempDirectory data, ChildProcess process)
    {
        Port = port;
        _data = data;
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri(RegistryUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>The public origin (what the browser opens): <c>http://localhost:PORT</c>, no trailing slash.</summary>
    public string Url => $"http://localhost:{Port}";

    /// <summary>The registry URL npm is given (loopback literal, with trailing slash).</summary>
    public string RegistryUrl => $"http://127.0.0.1:{Port}/";

    public HttpClient Http { get; }

    /// <summary>Everything the gateway wrote to stdout/stderr.</summary>
    public OutputBuffer Output => _process.Output;

    /// <summary>Starts a gateway with the embedded store in a fresh data folder in front of <paramref name="upstreamUrl"/>.</summary>
    public static async Task<BrowserGateway> StartAsync(string upstreamUrl)
    {
        var port = FreePort.Next();
        var data = new TempDirectory("browser-gateway");
        var env = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
            ["DOTNET_URLS"] = null,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["Gateway__Upstream"] = upstreamUrl,
            ["Gateway__PublicUrl"] = $"http://localhost:{port}",
            ["Gateway__Store"] = "embedded",
            ["Gateway__DataPath"] = data.Path,
        };
        var dll = RepoPaths.GatewayDll;
        var process = ChildProcess.Start("dotnet", [dll, "--urls", $"http://localhost:{port}"], Path.GetDirectoryName(dll)!, env);
        var gateway = new BrowserGateway(port, data, process);
        try
        {
            await Wait.UntilAsync(
                $"gateway on {gateway.Url} ({dll})",
                async () =>
                {
                    using var response = await gateway.Http.GetAsync("-/gateway/health");
                    return response.IsSuccessStatusCode;
                },
                () => process.HasExited,
                () => "--- gateway output ---\n" + process.Output.Tail(200),
                s_startTimeout);
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Dispose();
        Http.Dispose();
        _data.Dispose();
        await Task.CompletedTask;
    }
}
