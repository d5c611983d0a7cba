using System.Net;
using System.Net.Sockets;

namespace Gateway.TwoFactor;

/// <summary>
/// The client network a per-address limit counts: the connection's address (<c>HttpContext.Connection.RemoteIpAddress</c>,
/// which ASP.NET's forwarded-headers middleware sets from trusted proxies only), IPv4 as is, IPv6 as its /64
/// (one client usually holds a whole /64).
/// </summary>
internal static class ClientNetworks
{
    public static string Of(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
