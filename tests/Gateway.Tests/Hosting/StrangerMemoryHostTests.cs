using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Issue 19, items 8 and 10, in process: a stranger on 127.0.0.2 sends credentials longer than any real one, a
/// 1 MB form to a page and half-sent small bodies; none of it is hashed, looked up, cached or held, while the owner
/// works from 127.0.0.1.
/// </summary>
public sealed class StrangerMemoryHostTests(StrangerMemoryHostTests.Host host) : IClassFixture<StrangerMemoryHostTests.Host>, IAsyncDisposable
{
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    public sealed class Host : GatewayHost
    {
        protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string>
        {
            ["Gateway:Memory:SmallBodyTimeout"] = "00:00:01",
        };
    }

    [Fact]
    public async Task OverLongCredentials_AreRefused400BeforeAnyStoreCommandOrRegistryCall()
    {
        using var stranger = LoopbackClients.From(Stranger, host.Client.BaseAddress);
        var huge = new string('t', 4097);
        var targets = new (HttpMethod Method, string Target, string? Json)[]
        {
            (HttpMethod.Get, "/-/ping", null),
            (HttpMethod.Get, "/demo-pkg", null),
            (HttpMethod.Put, "/demo-pkg", """{"name":"demo-pkg"}"""),
            (HttpMethod.Post, "/-/npm/v1/tokens", """{"password":"x","readonly":false}"""),
            (HttpMethod.Put, "/-/package/demo-pkg/dist-tags/beta", "\"1.0.0\""),
        };
        var registryBefore = host.Registry.Requests.Count;
        await StoreCommandsAsync(); // connects the counting client first
        var commandsBefore = await StoreCommandsAsync();
        var keysBefore = await KeyCountAsync();

        foreach (var (method, target, json) in targets)
        {
            foreach (var authorization in new[] { "Bearer " + huge + Guid.NewGuid().ToString("N"), "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + huge)) })
            {
                using var request = new HttpRequestMessage(method, target);
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
                if (json is not null)
                {
                    request.Content = new StringContent(json, Encoding.UTF8, "application/json");
                }

                using var response = await stranger.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.StartsWith("The Authorization credential is longer than 4096 characters", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
            }
        }

        var commandsAfter = await StoreCommandsAsync();
        Assert.True(commandsBefore == commandsAfter, _lastInfo);
        Assert.Equal(keysBefore, await KeyCountAsync());
        Assert.Equal(registryBefore, host.Registry.Requests.Count);

        // The counter sees a lookup: a made-up token of an ordinary length is looked up in the store (and forwarded).
        using var control = new HttpRequestMessage(HttpMethod.Get, "/-/ping");
        control.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "made-up-" + Guid.NewGuid().ToString("N"));
        using var controlAnswer = await stranger.SendAsync(control);
        Assert.Equal(HttpStatusCode.OK, controlAnswer.StatusCode);
        Assert.True(await StoreCommandsAsync() > commandsBefore);
    }

    [Fact]
    public async Task CredentialOfTheLongestAcceptedLength_IsForwarded()
    {
        using var stranger = LoopbackClients.From(Stranger, host.Client.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/-/ping");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('t', 4096));

        using var response = await stranger.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OneMegabyteForm_OnASignInPage_Is413BeforeItIsSent()
    {
        // Only the headers and 10 bytes are sent: the answer cannot wait for the rest.
        var (status, body, elapsed) = await SendPartlyAsync(Stranger,
            "POST /-/gateway/sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1048576\r\n\r\nusername=a");

        Assert.Equal(413, status);
        Assert.Contains("at most 16384 bytes", body, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), elapsed.ToString());
    }

    [Fact]
    public async Task ChunkedForm_OnASignInPage_IsCutAt413OneByteBeyondTheLimit()
    {
        // One chunk of 16,385 bytes (0x4001), and the body never ends: the answer cannot wait for the end.
        var (status, body, elapsed) = await SendPartlyAsync(Stranger,
            "POST /-/gateway/sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4001\r\nusername=" + new string('a', 16385 - 9) + "\r\n");

        Assert.Equal(413, status);
        Assert.Contains("at most 16384 bytes", body, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), elapsed.ToString());
    }

    [Fact]
    public async Task ChunkedForm_OnASignInPage_WithinTheLimit_IsRead()
    {
        var (status, body, _) = await SendPartlyAsync(Stranger,
            "POST /-/gateway/sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "3fff\r\nusername=" + new string('a', 16383 - 9) + "\r\n0\r\n\r\n");

        // Read whole and handed to the page (which refuses a form without its antiforgery token), not cut.
        Assert.True(status == 400, status + " " + body);
    }

    [Fact]
    public async Task SmallForm_OnASignInPage_IsStillRead()
    {
        using var browser = host.NewBrowser();
        using var response = await browser.PostAsync("/-/gateway/sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "gina", ["password"] = "wrong" }));

        // Read and answered by the page (antiforgery refuses a form without its token; not 413).
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True((int)response.StatusCode is 400 or 401, response.StatusCode.ToString());
    }

    [Fact]
    public async Task HalfSentSmallBodies_Are408WithinTheTimeLimit_WhileTheOwnerPublishes()
    {
        const int Length = 65536;
        var head = $"PUT /demo-pkg HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer stranger-token\r\nContent-Type: application/json\r\nContent-Length: {Length}\r\n\r\n";
        var strangers = Enumerable.Range(0, 20).Select(_ => SendPartlyAsync(Stranger, head + "{\"name\":\"demo-pkg\",\"x\":\"" + new string('a', Length - 40))).ToList();

        using var owner = await host.Client.SendAsync(GatewayHost.As("olga", HttpMethod.Put, "/demo-pkg", """{"name":"demo-pkg","versions":{}}"""));
        Assert.Equal(HttpStatusCode.Created, owner.StatusCode);

        foreach (var (status, body, elapsed) in await Task.WhenAll(strangers))
        {
            Assert.Equal(408, status);
            Assert.Equal("The request body did not arrive within 1 seconds.", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
            Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
        }

        Assert.DoesNotContain(host.Registry.Requests, r => r.Headers.TryGetValue("Authorization", out var a) && a == "Bearer stranger-token" && r.Method == "PUT");
    }

    [Theory]
    [InlineData("POST /-/v1/login", "application/json", "{\"create\"")]
    [InlineData("POST /-/gateway/sign-in", "application/x-www-form-urlencoded", "username=gi")]
    public async Task HalfSentSmallBody_ToAnEndpointOrAPage_Is408WithinTheTimeLimit(string requestLine, string contentType, string partialBody)
    {
        var (status, body, elapsed) = await SendPartlyAsync(Stranger,
            $"{requestLine} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nContent-Length: 100\r\n\r\n{partialBody}");

        Assert.Equal(408, status);
        Assert.Contains("did not arrive within 1 seconds", body, StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
    }

    private async Task<long> StoreCommandsAsync()
    {
        // The clients' own upkeep runs on timers whatever the requests do; this admin connection's own commands too.
        string[] upkeep = ["ping", "echo", "info", "client", "subscribe", "psubscribe", "cluster", "config", "hello", "command", "dbsize", "quit"];
        _admin ??= await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{host.Redis.Port},allowAdmin=true");
        var info = await _admin.GetServers()[0].InfoRawAsync("commandstats") ?? "";
        _lastInfo = _previousInfo + "\n----\n" + info;
        _previousInfo = info;
        return info.Split("\r\n")
            .Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal))
            .Where(l => !upkeep.Contains(l["cmdstat_".Length..l.IndexOf(':', StringComparison.Ordinal)].Split('|')[0]))
            .Sum(l => long.Parse(l.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture));
    }

    private StackExchange.Redis.ConnectionMultiplexer? _admin;
    private string _lastInfo = "";
    private string _previousInfo = "";

    private Task<long> KeyCountAsync() => host.StoreClient.GetServers()[0].DatabaseSizeAsync();

    /// <summary>Sends <paramref name="partial"/> from <paramref name="from"/> and no more, then reads the answer.</summary>
    private async Task<(int Status, string Body, TimeSpan Elapsed)> SendPartlyAsync(IPAddress from, string partial)
    {
        var address = host.Client.BaseAddress!;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(address.Host, address.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var clock = Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(partial));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? throw new IOException("closed without an answer");
        var elapsed = clock.Elapsed;
        int? length = null;
        var chunked = false;
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            }

            chunked |= line.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        }

        var body = new StringBuilder();
        if (chunked)
        {
            for (var size = Convert.ToInt32((await reader.ReadLineAsync())!.Trim(), 16); size > 0; size = Convert.ToInt32((await reader.ReadLineAsync())!.Trim(), 16))
            {
                var chunk = new char[size];
                await reader.ReadBlockAsync(chunk);
                body.Append(chunk);
                await reader.ReadLineAsync();
            }
        }
        else if (length is { } known)
        {
            var all = new char[known];
            await reader.ReadBlockAsync(all);
            body.Append(all);
        }
        else
        {
            body.Append(await reader.ReadToEndAsync());
        }

        return (int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture), body.ToString(), elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }
    }
}
