using System.Net;
using System.Net.Sockets;

namespace Gateway.Limits;

/// <summary>
/// <c>Gateway:TrustedProxies</c>: the reverse proxies and load balancers (addresses or CIDR networks) whose
/// <c>X-Forwarded-For</c> names the client. Everyone else's is ignored, so no client can choose the address the
/// gateway limits, audits and tells the registry. Default: none (the connection's address is the client's).
/// </summary>
internal sealed class TrustedProxies
{
    public const string Key = "Gateway:TrustedProxies";

    private TrustedProxies(IReadOnlyList<IPNetwork> networks) => Networks = networks;

    public static TrustedProxies None { get; } = new([]);

    public IReadOnlyList<IPNetwork> Networks { get; }

    public bool Any => Networks.Count > 0;

    /// <summary>
    /// Reads the list: a JSON array (<c>Gateway__TrustedProxies__0=…</c> in the environment) or one
    /// comma-separated value (<c>Gateway__TrustedProxies=10.0.0.5,10.1.0.0/16</c>).
    /// </summary>
    /// <param name="errors">One message per entry that is neither an address nor a network, naming the key.</param>
    public static TrustedProxies Parse(IConfiguration configuration, List<string> errors)
    {
        var section = configuration.GetSection(Key);
        var entries = section.Value is { } single
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(child => child.Value?.Trim() ?? "").ToArray();
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{Key} must list IP addresses or CIDR networks (e.g. 10.0.0.5, 10.1.0.0/16), not '{entry}'");
            }
        }

        return new TrustedProxies(networks);
    }

    public bool Contains(IPAddress address)
    {
        var normalised = Normalise(address);
        foreach (var network in Networks)
        {
            if (network.Contains(normalised))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 client) as the IPv4 address it is.</summary>
    public static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TryParse(string entry, out IPNetwork network)
    {
        if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal))
        {
            address = Normalise(address);
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(entry, out network);
    }
}
