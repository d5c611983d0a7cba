using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Hosting;

/// <summary>
/// One HTTP/1.1 request written byte for byte over a socket that leaves from a chosen loopback address (any
/// 127/8 address is loopback on Linux): the request target exactly as given (<see cref="HttpClient"/> would read
/// <c>//-/npm/v1/user</c> as a host name and re-encode <c>%2D</c>), any body bytes (invalid UTF-8 included), and
/// the client address a stranger would have.
/// </summary>
internal static class RawExchange
{
    public static readonly IPAddress Owner = IPAddress.Parse("127.0.0.1");
    public static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    /// <param name="headers">Header lines, e.g. <c>"Authorization: Bearer alice-token"</c>; Host, Content-Length and Connection are added.</param>
    public static async Task<RawAnswer> SendAsync(
        HttpClient gateway, IPAddress from, string method, string target, IEnumerable<string>? headers = null, byte[]? body = null)
    {
        var address = gateway.BaseAddress!;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Parse(address.Host), address.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {address.Authority}\r\n");
        foreach (var header in headers ?? [])
        {
            head.Append(header).Append("\r\n");
        }

        head.Append($"Content-Length: {body?.Length ?? 0}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        using var reader = new MemoryStream();
        await stream.CopyToAsync(reader);
        return RawAnswer.Parse(reader.ToArray());
    }

    /// <summary>A JSON body as UTF-8 bytes, with its Content-Type header line.</summary>
    public static (string Header, byte[] Bytes) Json(string text) => ("Content-Type: application/json", Encoding.UTF8.GetBytes(text));
}

/// <summary>A response read off the wire: status, headers (names lower-cased) and body text.</summary>
internal sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawAnswer Parse(byte[] bytes)
    {
        var split = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        var lines = Encoding.Latin1.GetString(split < 0 ? bytes : bytes[..split]).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                var name = line[..colon].Trim().ToLowerInvariant();
                headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + line[(colon + 1)..].Trim() : line[(colon + 1)..].Trim();
            }
        }

        var body = split < 0 ? [] : bytes[(split + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Unchunk(body);
        }

        return new RawAnswer(status, headers, Encoding.UTF8.GetString(body));
    }

    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());

    /// <summary>The JSON <c>error</c> the gateway writes on every refusal, or null when the body has none.</summary>
    public string? Error
    {
        get
        {
            try
            {
                return JsonNode.Parse(Body) is JsonObject json && json["error"] is JsonValue error ? error.GetValue<string>() : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }

    private static byte[] Unchunk(byte[] chunked)
    {
        var output = new MemoryStream();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = at + chunked.AsSpan(at).IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd - at).Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            output.Write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return output.ToArray();
    }
}
