using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Testing;

/// <summary>
/// What another local process would do: open a plain TCP connection to the store and send commands in
/// RESP, with no client library deciding anything. Returns each reply's first line.
/// </summary>
public static class RespProbe
{
    public static async Task<IReadOnlyList<string>> SendAsync(int port, params string[][] commands)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        stream.ReadTimeout = 5000;
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var replies = new List<string>();
        foreach (var command in commands)
        {
            var text = new StringBuilder($"*{command.Length}\r\n");
            foreach (var part in command)
            {
                text.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()));
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)) ?? "(closed)";
            if (line.StartsWith('$') && line != "$-1")
            {
                line += " " + await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }

            replies.Add(line);
        }

        return replies;
    }
}
