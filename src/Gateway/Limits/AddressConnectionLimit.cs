using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Limits;

/// <summary>
/// Kestrel connection middleware: one client address (an IPv6 /64) holds at most <c>Gateway:Limits:MaxConnectionsPerAddress</c>
/// connections at once; beyond that a new connection is closed on accept, before a byte is read, the way Kestrel
/// refuses connections above its own global limit. Kestrel has no per-address limit, and without one a single
/// address can take every connection the global limit allows (docs/SECURITY.md, "Availability"). Trusted proxies
/// carry many clients and are exempt. Cost: one dictionary update on open and one on close.
/// </summary>
internal sealed partial class AddressConnectionLimit(int limit, TrustedProxies trusted, TimeProvider time, ILogger<AddressConnectionLimit> logger)
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<IPAddress, int> _open = new();
    private long _refusedSinceReport;
    private long _lastReport = long.MinValue;

    /// <summary>Open connections counted for <paramref name="address"/> (for tests and diagnostics).</summary>
    public int OpenFrom(IPAddress address) => _open.TryGetValue(ClientNetworks.Network(address), out var count) ? count : 0;

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (limit == 0 || connection.RemoteEndPoint is not IPEndPoint { Address: var remote } || trusted.Contains(remote))
        {
            await next(connection);
            return;
        }

        var key = ClientNetworks.Network(remote);
        if (!TryEnter(key))
        {
            Refused(key);
            return; // Kestrel closes a connection whose delegate returns
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Leave(key);
        }
    }

    private bool TryEnter(IPAddress key)
    {
        while (true)
        {
            if (_open.TryGetValue(key, out var count))
            {
                if (count >= limit)
                {
                    return false;
                }

                if (_open.TryUpdate(key, count + 1, count))
                {
                    return true;
                }
            }
            else if (_open.TryAdd(key, 1))
            {
                return true;
            }
        }
    }

    /// <summary>The entry goes when its last connection closes, so the dictionary holds only addresses with open connections.</summary>
    private void Leave(IPAddress key)
    {
        while (true)
        {
            var count = _open[key];
            if (count == 1 ? _open.TryRemove(KeyValuePair.Create(key, 1)) : _open.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>At most one warning a minute, with the count since the last: a flood must not flood the log.</summary>
    private void Refused(IPAddress key)
    {
        var refused = Interlocked.Increment(ref _refusedSinceReport);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastReport);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= ReportInterval)
            && Interlocked.CompareExchange(ref _lastReport, now, last) == last)
        {
            Interlocked.Add(ref _refusedSinceReport, -refused);
            LogRefused(logger, refused, key.ToString(), limit);
        }
    }

    [LoggerMessage(EventId = LogEvents.ConnectionsOverAddressLimit, Level = LogLevel.Warning, Message = "Refused {Refused} connection(s) over the per-address limit in the last minute; latest from {Address} (Gateway:Limits:MaxConnectionsPerAddress = {Limit})")]
    private static partial void LogRefused(ILogger logger, long refused, string address, int limit);
}
