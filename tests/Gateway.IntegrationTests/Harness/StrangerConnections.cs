using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Harness;

/// <summary>
/// What a stranger on another loopback address (any 127/8 address is loopback on Linux) sends: requests through an
/// HTTP client whose connections leave from that address, and raw sockets for what no client sends (a request that
/// stops half-way, a connection that never sends).
/// </summary>
internal static class StrangerConnections
{
    public static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    /// <summary>An HTTP client whose connections leave from <paramref name="address"/>.</summary>
    public static HttpClient ClientFrom(IPAddress address, string baseUrl, int maxConnections = 64) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = maxConnections,
        ConnectCallback = LoopbackClients.ConnectFrom(address),
    })
    {
        BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>
    /// Connects from <paramref name="from"/>, sends <paramref name="partial"/> and nothing more, and waits for the
    /// gateway to answer or close. Returns the status (0: closed without an answer; -1: could not connect).
    /// </summary>
    public static async Task<int> SendPartlyAsync(IPAddress from, Uri gateway, string partial, CancellationToken cancellation)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(gateway.Host, gateway.Port, cancellation);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(partial), cancellation);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellation);
            var text = Encoding.ASCII.GetString(buffer, 0, read);
            return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(text[9..12], CultureInfo.InvariantCulture) : 0;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (SocketException) when (!socket.Connected)
        {
            return -1;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The head of a request declaring <paramref name="declared"/> bytes of JSON, followed by all of them but the last.</summary>
    public static string HalfSentPublish(Uri gateway, string package, int declared) =>
        $"PUT /{package} HTTP/1.1\r\nHost: {gateway.Authority}\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
        + "{\"name\":\"" + package + "\",\"x\":\"" + new string('a', declared - 17 - package.Length);

    /// <summary>
    /// What any visitor gets from the sign-in page: its antiforgery cookie and form token, so that a form posted with
    /// them is read (without them antiforgery refuses it before reading it).
    /// </summary>
    public static async Task<(string Cookie, string Token)> SignInFormTokensAsync(HttpClient client)
    {
        using var response = await client.GetAsync("-/gateway/sign-in");
        var page = await response.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var cookie = string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.Select(c => c.Split(';')[0]) : []);
        return token.Length > 0 && cookie.Length > 0 ? (cookie, WebUtility.HtmlDecode(token)) : throw new InvalidOperationException("The sign-in page has no antiforgery token:\n" + page);
    }

    /// <summary>
    /// A sign-in form of about <paramref name="megabytes"/> MB (10^6 bytes: 29 stays below Kestrel's default limit of
    /// 30,000,000) with the visitor's antiforgery token, in 1,000 fields (the form reader's defaults allow 1,024 values
    /// of up to 4 MB each: one huge value would be refused at 4 MB).
    /// </summary>
    public static byte[] BigSignInForm(string token, int megabytes)
    {
        var form = new StringBuilder("__RequestVerificationToken=" + Uri.EscapeDataString(token) + "&username=mallory&password=guess");
        var field = new string('p', megabytes * 1000 - 10);
        for (var i = 0; i < 1000; i++)
        {
            form.Append("&f").Append(i).Append('=').Append(field);
        }

        return Encoding.ASCII.GetBytes(form.ToString());
    }
}
