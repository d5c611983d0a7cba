
namespace Gateway.BrowserTests.Infrastructure;

/// <summary>
/// The harness's <see cref="GatewayProcess"/> on <c>http://localhost:PORT</c>, as browser tests need it:
/// WebAuthn's RP ID must be a host name (an IP literal is not valid), and the URLs the gateway hands npm
/// (authUrl, loginUrl, doneUrl) must be the origin the browser uses. It listens on "localhost" (both
/// loopback addresses) so that npm reaching <c>doneUrl</c> works whichever one it picks.
/// </summary>
internal sealed class BrowserGateway(GatewayProcess process) : IAsyncDisposable
{
    public int Port => process.Port;

    /// <summary>The public origin (what the browser opens): <c>http://localhost:PORT</c>, no trailing slash.</summary>
    public string Url => process.Url;

    /// <summary>The registry URL npm is given (loopback literal, with trailing slash).</summary>
    public string RegistryUrl => $"http://127.0.0.1:{Port}/";

    public HttpClient Http => process.Http;

    /// <summary>Everything the gateway wrote to stdout/stderr.</summary>
    public OutputBuffer Output => process.Output;

    /// <summary>Starts a gateway with the embedded store in a fresh data folder in front of <paramref name="upstreamUrl"/>.</summary>
    public static async Task<BrowserGateway> StartAsync(string upstreamUrl) =>
        new(await GatewayProcess.StartAsync(upstreamUrl, "embedded", host: "localhost"));

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
