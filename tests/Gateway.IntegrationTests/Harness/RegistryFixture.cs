namespace Gateway.IntegrationTests.Harness;

/// <summary>One Verdaccio and one redis-server for the whole "registry" collection (they take seconds to
/// start; a gateway takes well under that, so tests start gateways as they need them).</summary>
public class RegistryFixture : IAsyncLifetime
{
    private readonly VerdaccioVersion _version;
    private readonly string _verdaccioConfig;
    private readonly SemaphoreSlim _gatewayGate = new(1, 1);
    private VerdaccioProcess? _verdaccio;
    private RedisServerProcess? _redis;
    private GatewayProcess? _sharedGateway;

    /// <summary>Verdaccio 6.8 with the harness's configuration.</summary>
    public RegistryFixture()
        : this(VerdaccioVersion.V6, "")
    {
    }

    /// <param name="verdaccioConfig">YAML added to the harness's Verdaccio configuration.</param>
    protected RegistryFixture(VerdaccioVersion version, string verdaccioConfig)
    {
        _version = version;
        _verdaccioConfig = verdaccioConfig;
    }

    internal VerdaccioProcess Verdaccio => _verdaccio ?? throw new InvalidOperationException("Fixture not initialised.");

    internal RedisServerProcess Redis => _redis ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        // Independent, so start both at once.
        var verdaccio = VerdaccioProcess.StartAsync(_verdaccioConfig, version: _version);
        var redis = RedisServerProcess.StartAsync();
        try
        {
            await Task.WhenAll(verdaccio, redis);
        }
        finally
        {
            // Whatever did start must not outlive a half-failed start.
            _verdaccio = verdaccio.IsCompletedSuccessfully ? verdaccio.Result : null;
            _redis = redis.IsCompletedSuccessfully ? redis.Result : null;
        }
    }

    /// <summary>A user with a unique name (prefix + counter + random), created on Verdaccio.</summary>
    internal Task<RegistryUser> CreateUserAsync(string prefix = "user") => Verdaccio.CreateUniqueUserAsync(prefix);

    /// <summary>A package name nobody else in this run uses; <paramref name="scope"/> like "acme" gives "@acme/…".</summary>
    internal static string UniquePackageName(string stem, string? scope = null)
    {
        var name = $"{stem}-{Guid.NewGuid().ToString("N")[..10]}";
        return scope is null ? name : $"@{scope}/{name}";
    }

    /// <summary>A new gateway in front of this Verdaccio using this redis-server (caller disposes).</summary>
    /// <param name="host">Its public host: <c>localhost</c> where a pseudo-terminal must spot npm's web-login URL.</param>
    /// <param name="publicPath">The path of its public URL (<c>/npm/</c>): it then serves everything under it.</param>
    internal Task<GatewayProcess> StartGatewayAsync(
        IReadOnlyDictionary<string, string?>? extraEnvironment = null, string? store = null, string host = "127.0.0.1", string publicPath = "/") =>
        GatewayProcess.StartAsync(Verdaccio.Url, store ?? Redis.ConnectionString, extraEnvironment, host: host, publicPath: publicPath);

    /// <summary>One default-configured gateway shared by tests that need nothing special of it;
    /// started on first use, stopped with the fixture. Tests must not stop or reconfigure it.</summary>
    internal async Task<GatewayProcess> SharedGatewayAsync()
    {
        await _gatewayGate.WaitAsync();
        try
        {
            if (_sharedGateway is not { IsRunning: true })
            {
                if (_sharedGateway is not null)
                {
                    await _sharedGateway.DisposeAsync();
                }

                _sharedGateway = await StartGatewayAsync();
            }

            return _sharedGateway;
        }
        finally
        {
            _gatewayGate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_sharedGateway is not null)
        {
            await _sharedGateway.DisposeAsync();
        }

        if (_verdaccio is not null)
        {
            await _verdaccio.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _gatewayGate.Dispose();
    }
}
