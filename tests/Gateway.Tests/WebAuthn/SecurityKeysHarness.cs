using Gateway.Configuration;
using Gateway.Resilience;
using Gateway.Store;
using Gateway.WebAuthn;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Gateway.Tests.WebAuthn;

/// <summary>
/// The real <see cref="SecurityKeys"/>, registered by the gateway's own <c>AddSecurityKeys</c>, over a real
/// store and a fake clock; the page's HTTP context is a <see cref="DefaultHttpContext"/>.
/// </summary>
internal sealed class SecurityKeysHarness : IAsyncDisposable
{
    public const string RpId = "npm.example.test";
    public const string Origin = "https://npm.example.test";

    private readonly ServiceProvider _services;

    public SecurityKeysHarness(IConnectionMultiplexer store, IDictionary<string, string?>? settings = null, string publicUrl = Origin)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(store);
        services.AddKeyedSingleton(ResilienceRegistration.Store, (sp, _) => StoreGuard.Create(TimeProvider.System, TimeSpan.FromSeconds(5)));
        services.Configure<GatewayOptions>(o => o.PublicUrl = publicUrl);
        services.AddSecurityKeys(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public SecurityKeys Keys => _services.GetRequiredService<SecurityKeys>();

    public KeyRecords Store => _services.GetRequiredService<KeyRecords>();

    public WebAuthnOptions Options => _services.GetRequiredService<IOptions<WebAuthnOptions>>().Value;

    public static HttpContext NewHttpContext() => new DefaultHttpContext();

    public static string NewUser(string prefix = "user") => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Registers a fresh software key for the user and returns it.</summary>
    public async Task<SoftwareAuthenticator> RegisterAsync(string username, byte[]? credentialId = null)
    {
        var key = new SoftwareAuthenticator(Origin, credentialId);
        var ceremony = await Keys.BeginRegistrationAsync(username, NewHttpContext(), default);
        var result = await Keys.CompleteRegistrationAsync(username, ceremony.Id, key.Create(ceremony.OptionsJson), "test key", NewHttpContext(), default);
        Assert.True(result.Succeeded, result.Error);
        return key;
    }

    public async Task<AssertionResult> AssertAsync(string username, SoftwareAuthenticator key, SoftwareAuthenticator.Tweaks? tweaks = null)
    {
        var ceremony = await Keys.BeginAssertionAsync(username, NewHttpContext(), default);
        Assert.NotNull(ceremony);
        return await Keys.CompleteAssertionAsync(username, ceremony.Id, key.Get(ceremony.OptionsJson, tweaks), NewHttpContext(), default);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
