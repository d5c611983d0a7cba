using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.TwoFactor;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The real gateway host (<c>Program</c>, every registration and middleware as shipped) started in process
/// by <see cref="WebApplicationFactory{TEntryPoint}"/>, configured only through settings, against a real
/// <c>redis-server</c> and a <see cref="StubRegistry"/>. One per test class (an xunit class fixture).
/// <para>
/// It listens on Kestrel (127.0.0.1, a free port) rather than TestServer: the gateway's first stage reads the
/// request target as received (<c>IHttpRequestFeature.RawTarget</c>), which only a real server sets;
/// TestServer leaves it empty, and every proxied request would be refused with 400. YARP then forwards to the
/// stub's real URL as it would to a registry.
/// </para>
/// </summary>
public class GatewayHost : IAsyncLifetime
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "gw-host-" + Guid.NewGuid().ToString("N"));
    private Factory? _factory;

    internal RedisServerProcess Redis { get; private set; } = null!;

    /// <summary>A client of <see cref="Redis"/>, connected before the host starts, for what a test reads in the store.</summary>
    internal StackExchange.Redis.ConnectionMultiplexer StoreClient { get; private set; } = null!;

    internal StubRegistry Registry { get; private set; } = null!;

    /// <summary>Every log event the host wrote (the logging configuration as shipped, plus this capture).</summary>
    internal HostLogs Logs { get; } = new();

    /// <summary>Settings a derived fixture adds to (or overrides in) the defaults, e.g. <c>Gateway:Enforcement</c>.</summary>
    protected virtual IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string>();

    /// <summary>The path the stub registry lives under (e.g. <c>/repository/npm-hosted</c>), which <c>Gateway:Upstream</c> then carries.</summary>
    protected virtual string UpstreamPath => "";

    /// <summary>The path of <c>Gateway:PublicUrl</c> without its trailing slash (e.g. <c>/npm</c>): the gateway then serves under it.</summary>
    protected virtual string PublicPath => "";

    /// <summary>The host's services, for a test that sets up state the stub registry cannot (e.g. a recorded token).</summary>
    internal IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("Not started");

    /// <summary>A client of the gateway; it follows no redirects.</summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataPath);
        var redis = RedisServerProcess.StartAsync();
        var registry = StubRegistry.StartAsync(UpstreamPath);
        Redis = await redis;
        StoreClient = await Redis.ConnectAsync();
        Registry = await registry;
        var settings = new Dictionary<string, string>
        {
            ["Gateway:Upstream"] = Registry.Url + (UpstreamPath.Length > 0 ? UpstreamPath + "/" : ""),
            ["Gateway:PublicUrl"] = "http://localhost" + (PublicPath.Length > 0 ? PublicPath + "/" : ""),
            ["Gateway:Store"] = $"127.0.0.1:{Redis.Port}",
            ["Gateway:DataPath"] = _dataPath,
            ["Gateway:PolicyFile"] = RepoPaths.RoutePolicy,
        };
        foreach (var (key, value) in MoreSettings)
        {
            settings[key] = value;
        }

        _factory = new Factory(settings, Logs);
        _factory.UseKestrel(0);
        _factory.StartServer();
        // Ask Kestrel where it listens (port 0: a free one).
        var listening = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        // A plain client of that real socket: WebApplicationFactory's own clients follow redirects whatever their options say once the server is Kestrel.
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(listening) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        if (StoreClient is not null)
        {
            await StoreClient.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    /// <summary>A request with the caller's bearer token (the stub's convention: <c>&lt;user&gt;-token</c>).</summary>
    public static HttpRequestMessage As(string user, HttpMethod method, string target, string? json = null)
    {
        var request = new HttpRequestMessage(method, target);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user + "-token");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>
    /// <c>npm profile enable-2fa auth-and-writes</c> (or <paramref name="mode"/>) as npm sends it, through the gateway: start with the
    /// password (the answer is an otpauth URL), confirm with a code computed from its secret.
    /// </summary>
    /// <returns>The TOTP secret the authenticator app would keep.</returns>
    public async Task<byte[]> EnrolAsync(string user, string mode = "auth-and-writes")
    {
        using var start = await Client.SendAsync(As(user, HttpMethod.Post, PublicPath + "/-/npm/v1/user",
            "{\"tfa\":{\"mode\":\"" + mode + "\",\"password\":\"" + user + "-password\"}}"));
        var started = await start.Content.ReadAsStringAsync();
        Assert.True(start.IsSuccessStatusCode, started);
        var url = JsonDocument.Parse(started).RootElement.GetProperty("tfa").GetString()!;
        var secret = Regex.Match(url, "[?&]secret=([A-Z2-7]+)").Groups[1].Value;
        var key = TotpCodes.FromBase32(secret);
        var code = TotpCodes.Compute(key, DateTimeOffset.UtcNow);

        using var confirm = await Client.SendAsync(As(user, HttpMethod.Post, PublicPath + "/-/npm/v1/user", "{\"tfa\":[\"" + code + "\"]}"));
        Assert.True(confirm.IsSuccessStatusCode, await confirm.Content.ReadAsStringAsync());
        return key;
    }

    /// <summary>A client of its own, with its own cookies (a browser), following no redirects.</summary>
    /// <param name="from">The loopback address it connects from (a stranger on 127.0.0.2 while the owner is on 127.0.0.1); any when null.</param>
    public HttpClient NewBrowser(System.Net.IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() };
        if (from is not null)
        {
            handler.ConnectCallback = LoopbackClients.ConnectFrom(from);
        }

        return new HttpClient(handler) { BaseAddress = Client.BaseAddress };
    }

    /// <summary>
    /// Sends one HTTP/1.1 request over a plain socket, the target written byte for byte (HttpClient's
    /// <see cref="Uri"/> would turn a backslash into a slash), and returns the status code.
    /// </summary>
    public async Task<int> SendRawAsync(string method, string target)
    {
        var address = Client.BaseAddress!;
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        await using var stream = socket.GetStream();
        var request = $"{method} {target} HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer alice-token\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? throw new IOException("The gateway closed the connection without answering.");
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class Factory(IReadOnlyDictionary<string, string> settings, HostLogs logs) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
