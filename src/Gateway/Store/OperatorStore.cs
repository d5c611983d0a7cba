using Gateway.Configuration;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// How an operator command (<c>Gateway admin …</c>, <c>Admin/AdminCommand</c>) reaches the store the gateway uses:
/// the configured Redis with the same connection string, or the embedded store of the gateway running on this
/// host through its access file <c>{DataPath}/store-access</c> (<see cref="EmbeddedStoreAccessFile"/>: host, port and
/// that run's random password, readable only by the gateway's OS user). So the command needs no password of its
/// own and can be run only by the OS user who can already read the gateway's data folder (README.md, "Operating").
/// </summary>
internal static class OperatorStore
{
    /// <summary>Connects and registers the connection in place of the one the gateway would make (<see cref="StoreConnector"/>).</summary>
    /// <exception cref="InvalidOperationException">No running embedded store, or an access file that is not the gateway's.</exception>
    public static async Task<IAsyncDisposable> ConnectAsync(IServiceCollection services, GatewayOptions options)
    {
        var configuration = options.UsesEmbeddedStore
            ? FromAccessFile(options.DataPath)
            : ConfigurationOptions.Parse(options.Store);
        configuration.AbortOnConnectFail = true;
        configuration.ClientName = "gateway-admin";
        IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        }
        catch (RedisException e)
        {
            throw new InvalidOperationException($"cannot reach the store ({Describe(options)}): {e.Message}", e);
        }

        services.AddSingleton(multiplexer);
        return multiplexer;
    }

    private static string Describe(GatewayOptions options) =>
        options.UsesEmbeddedStore ? "the embedded store of the running gateway" : "Gateway:Store";

    private static ConfigurationOptions FromAccessFile(string dataPath)
    {
        var path = EmbeddedStoreAccessFile.PathIn(Path.GetFullPath(dataPath));
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} does not exist: the gateway with the embedded store is not running with Gateway:DataPath '{dataPath}' (the file exists only while it runs), or this user cannot see it");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
        {
            // The gateway writes it 0600 from the first byte: any other mode means someone else made or changed it.
            throw new InvalidOperationException($"{path} is readable by other users; refusing to use it");
        }

        var fields = File.ReadAllLines(path)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        if (!fields.TryGetValue("host", out var host) || !fields.TryGetValue("port", out var port) || !fields.TryGetValue("password", out var password))
        {
            throw new InvalidOperationException($"{path} is not an access file of the gateway (host, port, password)");
        }

        var configuration = new ConfigurationOptions { Password = password };
        configuration.EndPoints.Add(host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
        return configuration;
    }
}
