using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Harness;

/// <summary>
/// Another local process talking to a Redis-compatible port in plain RESP, with no client library in
/// the way: sends each command and returns the first line of each reply (<c>+OK</c>, <c>-NOAUTH …</c>).
/// </summary>
internal static class RespClient
{
    public static async Task<IReadOnlyList<string>> SendAsync(int port, params string[][] commands)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
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
            replies.Add(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)) ?? "(closed)");
        }

        return replies;
    }
}
