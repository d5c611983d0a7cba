using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Configuration;
using Gateway.Metrics;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.Admin;

/// <summary>
/// The services an admin command uses, registered by the same folders as the gateway's (options, store record
/// classes, key ring, audit trail), bound to the store the running gateway uses (<see cref="OperatorStore"/>).
/// Logs go to standard error, so standard output is only the command's answer.
/// </summary>
internal sealed class AdminServices : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IAsyncDisposable _store;

    private AdminServices(WebApplication app, IAsyncDisposable store)
    {
        _app = app;
        _store = store;
    }

    public IServiceProvider Provider => _app.Services;

    /// <returns>Null, with the reason written to <paramref name="error"/>, when the configuration is invalid or the store cannot be reached.</returns>
    public static async Task<AdminServices?> TryBuildAsync(TextWriter error)
    {
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.AddGatewayOptions();
            builder.AddDependencyGuards();
            builder.AddStore();
            builder.AddSecretProtection();
            builder.AddAudit();
            builder.AddAutomation();
            builder.Services.AddSingleton<GatewayMetrics>();
            builder.Services.AddSingleton<AccountDirectory>();
            builder.Services.AddSingleton<KeyRecords>();
            builder.Services.AddSingleton<Usernames>();
            var store = await OperatorStore.ConnectAsync(builder.Services, builder.ValidatedGatewayOptions());
            var app = builder.Build();
            app.ValidateGatewayOptions();
            return new AdminServices(app, store);
        }
        catch (Exception e) when (e is InvalidOperationException or OptionsValidationException)
        {
            error.WriteLine($"npm-2fa-gateway admin: {e.Message}");
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }
}
