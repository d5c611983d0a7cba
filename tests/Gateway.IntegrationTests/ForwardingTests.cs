using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// What exactly reaches the registry: the request target byte for byte (npm's <c>@scope%2fname</c> must
/// not become <c>%252f</c>), no <c>npm-otp</c>, no method-override or client-sent forwarding headers, and
/// the gateway's public host so tarball URLs point at the gateway. A raw socket stands in for the
/// registry here so that every byte it receives can be checked.
/// </summary>
[Collection(Verdaccio9Collection.Name)]
public sealed class ForwardingTests : IAsyncLifetime
{
    private readonly CapturingUpstream _upstream = new();
    private GatewayProcess? _gateway;

    public async Task InitializeAsync() => _gateway = await GatewayProcess.StartAsync(_upstream.Url, "embedded");

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _upstream.Dispose();
    }

    [Theory]
    [InlineData("/@acme%2fwidget")]
    [InlineData("/%40acme%2Fwidget?write=true")]
    [InlineData("/@acme/widget/-/widget-1.0.0.tgz")]
    [InlineData("/@acme%252fwidget")]
    public async Task Get_AnyTarget_ForwardedByteForByte(string target)
    {
        using var response = await SendAsync(HttpMethod.Get, target);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"GET {target} HTTP/1.1", _upstream.Last(target).RequestLine);
    }

    [Fact]
    public async Task Put_WithOtpAndOverrideHeaders_StrippedAndHostIsPublic()
    {
        const string target = "/strip-check";
        using var request = new HttpRequestMessage(HttpMethod.Put, _gateway!.Url + target) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("npm-otp", "123456");
        request.Headers.Add("X-HTTP-Method-Override", "GET");
        request.Headers.Add("X-Forwarded-Host", "attacker.example");
        request.Headers.Add("npm-command", "publish");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-real-token");

        using var response = await _gateway.Http.SendAsync(request);
        var seen = _upstream.Last(target);

        Assert.False(seen.Headers.ContainsKey("npm-otp"));
        Assert.False(seen.Headers.ContainsKey("x-http-method-override"));
        Assert.Equal(new Uri(_gateway.Url).Authority, seen.Headers["host"]);
        Assert.Equal(new Uri(_gateway.Url).Authority, seen.Headers["x-forwarded-host"]);
        Assert.Equal("publish", seen.Headers["npm-command"]);
        Assert.Equal("Bearer not-a-real-token", seen.Headers["authorization"]);
    }

    [Theory]
    [InlineData("/foo/../-/user/org.couchdb.user:bob")]
    [InlineData("/foo/%2e%2e/bar")]
    public async Task Put_DotSegments_RefusedWith400AndNotForwarded(string target)
    {
        using var response = await SendAsync(HttpMethod.Put, target);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(_upstream.Requests, r => r.RequestLine.Contains(target, StringComparison.Ordinal));
    }

    /// <summary>Sends the target exactly as written (HttpClient would normalise it).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string target)
    {
        var uri = new Uri(_gateway!.Url + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(method, uri);
        if (method != HttpMethod.Get)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return await _gateway.Http.SendAsync(request);
    }

    private sealed record CapturedRequest(string RequestLine, IReadOnlyDictionary<string, string> Headers);

    /// <summary>An HTTP/1.1 server on a raw socket that records request heads and answers 200 <c>{}</c>.</summary>
    private sealed class CapturingUpstream : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public CapturingUpstream()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public ConcurrentQueue<CapturedRequest> Requests { get; } = new();

        public CapturedRequest Last(string target) =>
            Requests.Last(r => r.RequestLine.Split(' ')[1] == target);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.Latin1, leaveOpen: true);
                while (await reader.ReadLineAsync() is { Length: > 0 } requestLine)
                {
                    var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    while (await reader.ReadLineAsync() is { Length: > 0 } line)
                    {
                        var colon = line.IndexOf(':');
                        headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                    }

                    if (headers.TryGetValue("content-length", out var length) && int.TryParse(length, out var bytes) && bytes > 0)
                    {
                        var body = new char[bytes];
                        await reader.ReadBlockAsync(body, 0, bytes);
                    }

                    Requests.Enqueue(new CapturedRequest(requestLine, headers));
                    // whoami names a user (without 2FA) for any credential: the gateway forwards only what it can attribute.
                    var json = requestLine.StartsWith("GET /-/whoami ", StringComparison.Ordinal) && headers.ContainsKey("authorization")
                        ? """{"username":"forwarding-test-user"}"""
                        : "{}";
                    var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n{json}");
                    await stream.WriteAsync(answer);
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
