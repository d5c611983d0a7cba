using System.Net;
using System.Net.Sockets;

namespace Gateway.Limits;

/// <summary>
/// The client network a per-address limit counts, the same for the connection limit and the store-backed counters:
/// the connection's address (<c>HttpContext.Connection.RemoteIpAddress</c>, which ASP.NET's forwarded-headers
/// middleware sets from trusted proxies only), IPv4 as is, IPv6 as its /64 (one client usually holds a whole /64).
/// </summary>
internal static class ClientNetworks
{
    /// <summary>An IPv4 address (an IPv4-mapped IPv6 address as IPv4), or the /64 of an IPv6 one.</summary>
    public static IPAddress Network(IPAddress client)
    {
        client = TrustedProxies.Normalise(client);
        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client;
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    /// <summary>The network as a store key part: <c>10.1.2.3</c>, <c>2001:db8:1:2::/64</c>, or <c>unknown</c>.</summary>
    public static string Of(IPAddress? client) => client is null ? "unknown"
        : Network(client) is { AddressFamily: AddressFamily.InterNetworkV6 } network ? network + "/64"
        : Network(client).ToString();
}
