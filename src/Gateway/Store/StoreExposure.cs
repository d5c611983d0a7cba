using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Warns at start when <c>Gateway:Store</c> names a Redis off this host with no password: whoever can reach it can
/// read every user's 2FA mode and change it (turn 2FA off, spend codes), which is the whole protection. Redis's own
/// protected mode refuses remote clients only while no bind address and no password are set, so a store bound to a
/// network interface without <c>requirepass</c> is open (README.md, "Running several instances").
/// </summary>
internal static partial class StoreExposure
{
    /// <summary>True when no password is set and at least one endpoint is not on this host.</summary>
    public static bool IsPasswordlessRemote(ConfigurationOptions options) =>
        string.IsNullOrEmpty(options.Password) && options.EndPoints.Any(endpoint => !IsLocal(endpoint));

    public static void WarnIfExposed(ConfigurationOptions options, ILogger logger)
    {
        if (IsPasswordlessRemote(options))
        {
            LogPasswordlessRemote(logger, string.Join(", ", options.EndPoints.Where(e => !IsLocal(e)).Select(Format)));
        }
    }

    private static bool IsLocal(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => IPAddress.IsLoopback(ip.Address),
        DnsEndPoint dns => string.Equals(dns.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(dns.Host, out var address) && IPAddress.IsLoopback(address)),
        UnixDomainSocketEndPoint => true,
        _ => false,
    };

    private static string Format(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    [LoggerMessage(EventId = LogEvents.StoreWithoutPassword, Level = LogLevel.Warning, Message = "Gateway:Store connects to {Endpoints} without a password: anyone who can reach that store can read and change every user's 2FA state. Set requirepass on the store and password=… in Gateway:Store, or bind it to loopback")]
    private static partial void LogPasswordlessRemote(ILogger logger, string endpoints);
}
