using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Testing;

/// <summary>
/// Clients of the gateway from a chosen loopback address (127.0.0.x): the owner works from 127.0.0.1 while a
/// stranger works from another address, so per-address limits and the client address can be told apart.
/// </summary>
public static class LoopbackClients
{
    /// <summary>An HttpClient whose connections leave from <paramref name="localAddress"/>; no redirects, no cookies.</summary>
    public static HttpClient From(string localAddress, Uri gateway) => From(IPAddress.Parse(localAddress), gateway);

    /// <summary>An HttpClient whose connections leave from <paramref name="localAddress"/>; no redirects, no cookies.</summary>
    public static HttpClient From(IPAddress localAddress, Uri? gateway) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectCallback = ConnectFrom(localAddress) })
        { BaseAddress = gateway };

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> whose sockets are bound to <paramref name="localAddress"/>.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectFrom(IPAddress localAddress) =>
        async (context, cancellation) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(localAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    /// <summary>A raw TCP connection from <paramref name="localAddress"/> (an idle connection, or one request by hand).</summary>
    public static async Task<TcpClient> ConnectAsync(string localAddress, Uri gateway)
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(localAddress), 0));
        await client.ConnectAsync(gateway.Host, gateway.Port);
        return client;
    }

    /// <summary>
    /// <c>GET /-/ping</c> on a kept-alive raw connection; the status, or null when the gateway closed the connection
    /// without answering (a connection it refused on accept).
    /// </summary>
    public static async Task<int?> PingAsync(TcpClient connection, Uri gateway)
    {
        var stream = connection.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /-/ping HTTP/1.1\r\nHost: {gateway.Authority}\r\n\r\n"));
            var buffer = new byte[4096];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (read == 0)
            {
                return null;
            }

            // Drain the whole answer (a small body, chunked or with a length) so the connection can carry another.
            var text = Encoding.ASCII.GetString(buffer, 0, read);
            while (!Complete(text) && (read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
            {
                text += Encoding.ASCII.GetString(buffer, 0, read);
            }

            return int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // reset by the gateway
        }
    }

    private static bool Complete(string answer)
    {
        var end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var headers = answer[..end];
        if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return answer.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
        }

        var length = System.Text.RegularExpressions.Regex.Match(headers, "(?i)content-length: *([0-9]+)");
        return !length.Success || answer.Length - end - 4 >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
