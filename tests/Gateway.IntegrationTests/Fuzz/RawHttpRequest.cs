using System.Text;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// One HTTP/1.1 request exactly as it goes on the wire: the method as spelled, the raw target, headers in
/// order (duplicates allowed) and the body bytes, optionally sent chunked without a Content-Length.
/// </summary>
internal sealed record RawHttpRequest(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, bool Chunked)
{
    public byte[] ToBytes(string host)
    {
        var head = new StringBuilder();
        head.Append(Method).Append(' ').Append(Target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(host).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (Chunked)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }
        else if (Body.Length > 0 || Method.ToUpperInvariant() is "PUT" or "POST")
        {
            head.Append("Content-Length: ").Append(Body.Length).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        var bytes = new List<byte>(Encoding.Latin1.GetBytes(head.ToString()));
        bytes.AddRange(Chunked ? ChunkedBody() : Body);
        return [.. bytes];
    }

    /// <summary>Two chunks (when long enough) so that a reader has to reassemble them.</summary>
    private byte[] ChunkedBody()
    {
        var output = new List<byte>();
        var split = Body.Length / 2;
        foreach (var (start, length) in new[] { (0, split), (split, Body.Length - split) })
        {
            if (length == 0)
            {
                continue;
            }

            output.AddRange(Encoding.ASCII.GetBytes($"{length:x}\r\n"));
            output.AddRange(Body.AsSpan(start, length).ToArray());
            output.AddRange("\r\n"u8.ToArray());
        }

        output.AddRange("0\r\n\r\n"u8.ToArray());
        return [.. output];
    }
}
