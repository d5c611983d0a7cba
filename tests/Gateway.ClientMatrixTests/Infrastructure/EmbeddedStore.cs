using System.Globalization;

namespace Gateway.ClientMatrixTests.Infrastructure;

/// <summary>The running gateway's embedded store, reached the way the README tells an operator to (its
/// <c>store-access</c> file), for what only time would otherwise do.</summary>
internal static class EmbeddedStore
{
    /// <summary>Removes every browser flow, as their 5-minute expiry would: the gateway then knows none of them.</summary>
    public static async Task<int> ExpireAllFlowsAsync(this GatewayProcess gateway)
    {
        var access = File.ReadAllLines(Path.Combine(gateway.DataPath, "store-access"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var replies = await RespProbe.SendAsync(int.Parse(access["port"], CultureInfo.InvariantCulture),
            ["AUTH", access["password"]],
            ["EVAL", "local n = 0 for _, k in ipairs(redis.call('KEYS', 'gw:flow*')) do n = n + redis.call('DEL', k) end return n", "0"]);
        Assert.Equal("+OK", replies[0]);
        Assert.StartsWith(":", replies[1]);
        return int.Parse(replies[1][1..], CultureInfo.InvariantCulture);
    }

    /// <summary>How many browser flows the store holds.</summary>
    public static async Task<int> FlowCountAsync(this GatewayProcess gateway)
    {
        var access = File.ReadAllLines(Path.Combine(gateway.DataPath, "store-access"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var replies = await RespProbe.SendAsync(int.Parse(access["port"], CultureInfo.InvariantCulture),
            ["AUTH", access["password"]],
            ["EVAL", "return #redis.call('KEYS', 'gw:flow:*')", "0"]);
        return int.Parse(replies[1][1..], CultureInfo.InvariantCulture);
    }
}
