using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>
/// A web approval is for the exact body approved: the owner approves a publish from 127.0.0.1; someone who stole
/// her token and the approval's <c>gwotp_</c> token, on 127.0.0.2, sends a different body of the same length
/// and is refused before the registry sees anything; the owner's own retry goes through, and the registry
/// receives exactly the bytes that were approved (spooled past the memory threshold).
/// </summary>
public sealed partial class WebApprovalHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task StolenApproval_SameLengthOtherBody_FromAnotherAddress_RefusedAndNeverForwarded_OwnersExactRetryForwarded()
    {
        var key = await host.EnrolAsync("wendy");
        var tarball = RandomNumberGenerator.GetBytes(300_000); // ~400 KB of base64: the body spools to a file
        var approved = PublishBody("1.0.1", tarball);
        var forged = PublishBody("6.6.6", tarball); // same length, another version
        Assert.Equal(approved.Length, forged.Length);

        // The owner's npm (web auth) is challenged; she approves on the page with a code.
        using var challenge = await host.Client.SendAsync(Publish(approved, otp: null, web: true));
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var urls = JsonDocument.Parse(await challenge.Content.ReadAsStringAsync()).RootElement;
        var page = await ApproveAsync(new Uri(urls.GetProperty("authUrl").GetString()!).AbsolutePath, TotpCodes.Compute(key, DateTimeOffset.UtcNow));
        using var done = await host.Client.GetAsync(new Uri(urls.GetProperty("doneUrl").GetString()!).AbsolutePath);
        var token = JsonDocument.Parse(await done.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;

        // The page showed what was approved, recorded when the request was challenged.
        var shasum = Convert.ToHexStringLower(SHA1.HashData(tarball));
        Assert.Contains("<code class=\"version\">1.0.1</code>", page, StringComparison.Ordinal);
        Assert.Contains($"<code class=\"shasum\">{shasum}</code>", page, StringComparison.Ordinal);
        Assert.Contains("<code class=\"tag\">latest</code> → <code class=\"tag-version\">1.0.1</code>", page, StringComparison.Ordinal);
        Assert.Contains($"id=\"flow-body-sha256\">{Sha256(approved)}<", page, StringComparison.Ordinal);

        // The stranger on 127.0.0.2: her token, the approval's token, another body of the same length.
        var putsBefore = host.Registry.Requests.Count(r => r.Method == "PUT");
        using var stranger = LoopbackClients.From(IPAddress.Parse("127.0.0.2"), host.Client.BaseAddress);
        using var refused = await stranger.SendAsync(Publish(forged, token, web: true));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("otp", refused.Headers.WwwAuthenticate.ToString());
        Assert.Equal(putsBefore, host.Registry.Requests.Count(r => r.Method == "PUT"));

        // The owner's npm retries the very request: forwarded once, byte for byte.
        using var published = await host.Client.SendAsync(Publish(approved, token, web: true));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var forwarded = Assert.Single(host.Registry.Requests.Where(r => r.Method == "PUT").Skip(putsBefore));
        Assert.Equal(Sha256(approved), forwarded.BodySha256);
        Assert.False(forwarded.Headers.ContainsKey("npm-otp"));

        // Used: the same bytes again (from anywhere) are refused.
        using var again = await stranger.SendAsync(Publish(approved, token, web: true));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal(putsBefore + 1, host.Registry.Requests.Count(r => r.Method == "PUT"));
    }

    [Theory]
    [InlineData("PUT", "\"1.0.0\"", "1.0.0")] // npm dist-tag add demo-pkg@1.0.0 beta
    [InlineData("DELETE", null, null)] // npm dist-tag rm demo-pkg beta
    public async Task DistTagChange_PageShowsTheTagAndVersion_RecordedAtChallenge(string method, string? body, string? version)
    {
        var user = "zoe" + method.ToLowerInvariant();
        await host.EnrolAsync(user);
        using var request = new HttpRequestMessage(new HttpMethod(method), "/-/package/demo-pkg/dist-tags/beta");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user + "-token");
        request.Headers.Add("npm-auth-type", "web");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var challenge = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var authUrl = new Uri(JsonDocument.Parse(await challenge.Content.ReadAsStringAsync()).RootElement.GetProperty("authUrl").GetString()!);
        using var browser = host.NewBrowser();
        var page = await (await browser.GetAsync(authUrl.AbsolutePath)).Content.ReadAsStringAsync();

        Assert.Contains("<dd id=\"flow-tag\"><code>beta</code></dd>", page, StringComparison.Ordinal);
        if (version is null)
        {
            Assert.Contains("id=\"flow-no-body\"", page, StringComparison.Ordinal);
            Assert.DoesNotContain("flow-tag-version", page, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"<dd id=\"flow-tag-version\"><code>{version}</code></dd>", page, StringComparison.Ordinal);
            Assert.Contains("<span id=\"flow-body-length\">7</span>", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ApprovalToken_BodyOverMaxPublishBytes_413WithoutReadingIt()
    {
        await host.EnrolAsync("yara");
        // Content-Length alone decides: the gateway answers before reading (Gateway:MaxPublishBytes is 256 MB by default).
        using var request = Publish([], "gwotp_" + new string('a', 43), web: true, user: "yara");
        request.Content!.Headers.ContentLength = 300L * 1024 * 1024;

        Assert.Equal(413, await SendHeadersOnlyAsync(request));
    }

    private static HttpRequestMessage Publish(byte[] body, string? otp, bool web, string user = "wendy")
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/demo-pkg") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user + "-token");
        if (web)
        {
            request.Headers.Add("npm-auth-type", "web");
        }

        if (otp is not null)
        {
            request.Headers.Add("npm-otp", otp);
        }

        return request;
    }

    /// <summary>npm's publish document (docs/PROTOCOL.md#34-the-publish-document) for demo-pkg.</summary>
    private static byte[] PublishBody(string version, byte[] tarball) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["_id"] = "demo-pkg",
        ["name"] = "demo-pkg",
        ["dist-tags"] = new Dictionary<string, string> { ["latest"] = version },
        ["versions"] = new Dictionary<string, object>
        {
            [version] = new Dictionary<string, object>
            {
                ["name"] = "demo-pkg",
                ["version"] = version,
                ["dist"] = new Dictionary<string, string> { ["shasum"] = Convert.ToHexStringLower(SHA1.HashData(tarball)), ["tarball"] = $"http://localhost/demo-pkg/-/demo-pkg-{version}.tgz" },
            },
        },
        ["_attachments"] = new Dictionary<string, object>
        {
            [$"demo-pkg-{version}.tgz"] = new Dictionary<string, object> { ["content_type"] = "application/octet-stream", ["data"] = Convert.ToBase64String(tarball), ["length"] = tarball.Length },
        },
    }));

    /// <summary>The approval page in a browser of its own: shows it, then posts the code. Returns the page as shown.</summary>
    private async Task<string> ApproveAsync(string path, string code)
    {
        using var browser = host.NewBrowser();
        var page = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();
        var antiforgery = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);
        using var approval = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["code"] = code,
        }));
        Assert.Contains("id=\"approved\"", await approval.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        return page;
    }

    /// <summary>Sends only the request head (a declared length, no body) and reads the status the gateway answers with.</summary>
    private async Task<int> SendHeadersOnlyAsync(HttpRequestMessage request)
    {
        var address = host.Client.BaseAddress!;
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        await using var stream = socket.GetStream();
        var head = new StringBuilder($"{request.Method} {request.RequestUri} HTTP/1.1\r\nHost: {address.Authority}\r\n");
        foreach (var (name, values) in request.Headers.Concat(request.Content!.Headers))
        {
            head.Append(name).Append(": ").Append(string.Join(", ", values)).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync() ?? throw new IOException("The gateway closed the connection without answering.");
        return int.Parse(status.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Sha256(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
