using StackExchange.Redis;

namespace Gateway.IntegrationTests.Harness;

/// <summary>What a redis-server reports about itself: memory in use and commands processed (INFO), read through an admin connection.</summary>
internal sealed class StoreCounters : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _client;
    private readonly IServer _server;

    private StoreCounters(ConnectionMultiplexer client, string endPoint)
    {
        _client = client;
        _server = client.GetServer(endPoint);
    }

    public static async Task<StoreCounters> ConnectAsync(string endPoint) =>
        new(await ConnectionMultiplexer.ConnectAsync($"{endPoint},allowAdmin=true"), endPoint);

    public async Task<long> UsedMemoryAsync() => await ReadAsync("memory", "used_memory");

    /// <summary>Bytes the store needs for every key with the prefix (MEMORY USAGE of each, SCAN to find them).</summary>
    public async Task<long> KeyBytesAsync(string prefix)
    {
        var total = 0L;
        var db = _client.GetDatabase();
        await foreach (var key in _server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
        {
            total += (long)await db.ExecuteAsync("MEMORY", "USAGE", key);
        }

        return total;
    }

    /// <summary>
    /// Data commands processed so far (INFO commandstats): the clients' own upkeep (PING, ECHO, INFO, CLIENT,
    /// SUBSCRIBE, CLUSTER, CONFIG, HELLO) is left out, it runs on a timer whatever the requests do.
    /// </summary>
    public async Task<long> CommandsAsync()
    {
        string[] upkeep = ["ping", "echo", "info", "client", "subscribe", "psubscribe", "cluster", "config", "hello", "command"];
        var info = await _server.InfoRawAsync("commandstats") ?? "";
        return info.Split("\r\n")
            .Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal))
            .Where(l => !upkeep.Contains(l["cmdstat_".Length..l.IndexOf(':', StringComparison.Ordinal)].Split('|')[0]))
            .Sum(l => long.Parse(l.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<long> ReadAsync(string section, string field)
    {
        var info = await _server.InfoRawAsync(section) ?? "";
        var line = info.Split("\r\n").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();
}
