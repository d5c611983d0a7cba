using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// A deliberately small HTTP/1.1 client over a socket, one connection per request: HttpClient would
/// normalise exactly what the fuzzer varies (method case, duplicate headers, header order, chunking).
/// </summary>
internal static class RawHttpClient
{
    public static async Task<RawHttpResponse> SendAsync(string host, int port, RawHttpRequest request, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(host, port, cancel.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(request.ToBytes($"{host}:{port}"), cancel.Token);
            using var received = new MemoryStream();
            await stream.CopyToAsync(received, cancel.Token); // Connection: close, so the server ends the stream
            return Parse(received.ToArray());
        }
        catch (OperationCanceledException)
        {
            return RawHttpResponse.NoAnswer($"no complete answer within {timeout.TotalSeconds} s");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return RawHttpResponse.NoAnswer(e.Message);
        }
    }

    private static RawHttpResponse Parse(byte[] raw)
    {
        var headEnd = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return RawHttpResponse.NoAnswer($"unparsable answer: {Encoding.Latin1.GetString(raw.AsSpan(0, Math.Min(raw.Length, 200)))}");
        }

        var lines = Encoding.Latin1.GetString(raw, 0, headEnd).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !int.TryParse(statusParts[1], CultureInfo.InvariantCulture, out var status))
        {
            return RawHttpResponse.NoAnswer($"bad status line: {lines[0]}");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        var body = raw.AsSpan(headEnd + 4).ToArray();
        var response = new RawHttpResponse(status, headers, body);
        if (response.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            return response with { Body = Dechunk(body) };
        }

        return response.Header("Content-Length") is { } length && int.TryParse(length, CultureInfo.InvariantCulture, out var n) && n < body.Length
            ? response with { Body = body[..n] }
            : response;
    }

    private static byte[] Dechunk(byte[] body)
    {
        var output = new MemoryStream();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var sizeText = Encoding.ASCII.GetString(body, position, lineEnd).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            position += lineEnd + 2;
            output.Write(body, position, Math.Min(size, body.Length - position));
            position += size + 2;
        }

        return output.ToArray();
    }
}
