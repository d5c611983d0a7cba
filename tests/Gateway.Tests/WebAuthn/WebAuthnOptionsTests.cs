using Gateway.Resilience;
using Gateway.WebAuthn;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static Gateway.Tests.WebAuthn.SecurityKeysHarness;

namespace Gateway.Tests.WebAuthn;

/// <summary>Configuration that could never verify stops start-up; defaults come from <c>Gateway:PublicUrl</c>.</summary>
public sealed class WebAuthnOptionsTests : IAsyncLifetime
{
    // Nothing listens on port 1; fail-fast backlog so an unreachable store answers at once.
    private readonly ConnectionMultiplexer _unreachable = ConnectionMultiplexer.Connect(new ConfigurationOptions
    {
        EndPoints = { "127.0.0.1:1" },
        AbortOnConnectFail = false,
        ConnectTimeout = 200,
        BacklogPolicy = BacklogPolicy.FailFast,
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _unreachable.DisposeAsync();

    [Fact]
    public async Task Defaults_ComeFromPublicUrl()
    {
        await using var harness = new SecurityKeysHarness(_unreachable, publicUrl: "https://Registry.Example.test:8443/");

        var options = harness.Options;

        Assert.Equal("registry.example.test", options.RpId);
        Assert.Equal(["https://registry.example.test:8443"], options.Origins);
        Assert.Equal("npm-2fa-gateway", options.RpName);
        Assert.Equal(TimeSpan.FromSeconds(300), options.CeremonyLifetime);
    }

    [Fact]
    public async Task Origins_AreNormalisedToWhatBrowsersSend()
    {
        await using var harness = new SecurityKeysHarness(_unreachable, Settings(("Origins:0", "https://NPM.example.test/"), ("Origins:1", "https://npm.example.test:443")));

        Assert.Equal(["https://npm.example.test"], harness.Options.Origins);
    }

    [Theory]
    [InlineData("CeremonyLifetime", "00:05:01", "CeremonyLifetime")]
    [InlineData("CeremonyLifetime", "00:00:00", "CeremonyLifetime")]
    [InlineData("Origins:0", "https://evil.example.test", "not within the RP ID")]
    [InlineData("Origins:0", "https://npm.example.test/path", "must be origins")]
    [InlineData("Origins:0", "ftp://npm.example.test", "must be origins")]
    [InlineData("RpId", "https://npm.example.test", "RpId")]
    [InlineData("MaxKeysPerUser", "0", "MaxKeysPerUser")]
    public async Task Validation_BadValue_NamesTheKey(string key, string value, string expected)
    {
        await using var harness = new SecurityKeysHarness(_unreachable, Settings((key, value)));

        var error = Assert.Throws<OptionsValidationException>(() => harness.Options);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_SubdomainOriginUnderRpId_IsAccepted()
    {
        await using var harness = new SecurityKeysHarness(_unreachable, Settings(("RpId", "example.test"), ("Origins:0", "https://npm.example.test")));

        Assert.Equal("example.test", harness.Options.RpId);
    }

    [Theory]
    [InlineData("https://npm.example.test", false, null, true)]
    [InlineData("https://npm.example.test", true, null, false)]
    [InlineData("https://npm.example.test", false, "https://evil.example.test", false)]
    [InlineData("https://npm.example.test/", false, null, false)]
    [InlineData("https://npm.example.test:443", false, null, false)]
    [InlineData("null", false, null, false)]
    public void IsAllowedOrigin_ExactMatchAndNoCrossOrigin(string origin, bool crossOrigin, string? topOrigin, bool allowed)
    {
        var context = new PasskeyOriginValidationContext
        {
            HttpContext = NewHttpContext(),
            Origin = origin,
            CrossOrigin = crossOrigin,
            TopOrigin = topOrigin,
        };

        Assert.Equal(allowed, SecurityKeysRegistration.IsAllowedOrigin(context, new HashSet<string>(StringComparer.Ordinal) { Origin }));
    }

    [Fact]
    public async Task StoreUnreachable_SurfacesAsDependencyUnavailable()
    {
        await using var harness = new SecurityKeysHarness(_unreachable);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => harness.Keys.HasKeysAsync("someone", default));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => harness.Keys.BeginRegistrationAsync("someone", NewHttpContext(), default));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => harness.Keys.CompleteAssertionAsync("someone", System.Buffers.Text.Base64Url.EncodeToString(new byte[32]), "{}", NewHttpContext(), default));
    }

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => WebAuthnOptions.Section + ":" + v.Key, v => (string?)v.Value);
}
