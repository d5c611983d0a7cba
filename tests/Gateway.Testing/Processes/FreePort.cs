using System.Net;
using System.Net.Sockets;

namespace Gateway.Testing;

/// <summary>A loopback TCP port that was free a moment ago (bind to port 0, read what the OS chose).</summary>
/// <remarks>There is a small race between releasing the port and the child process binding it; the OS
/// hands out ephemeral ports round-robin, so in practice another process does not grab it in between.</remarks>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
