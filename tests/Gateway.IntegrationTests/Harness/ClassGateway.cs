namespace Gateway.IntegrationTests.Harness;

/// <summary>
/// One gateway per test class (<c>IClassFixture&lt;ClassGateway&gt;</c>): started by the first test that asks
/// (xunit 2 class fixtures cannot receive the collection's <see cref="RegistryFixture"/>, so the test passes
/// the way to start it), stopped after the class's last test. Tests of the class run one after another.
/// </summary>
public sealed class ClassGateway : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private GatewayProcess? _gateway;

    internal async Task<GatewayProcess> GetAsync(Func<Task<GatewayProcess>> start)
    {
        await _gate.WaitAsync();
        try
        {
            if (_gateway is not { IsRunning: true })
            {
                if (_gateway is not null)
                {
                    await _gateway.DisposeAsync();
                }

                _gateway = await start();
            }

            return _gateway;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _gate.Dispose();
    }
}
