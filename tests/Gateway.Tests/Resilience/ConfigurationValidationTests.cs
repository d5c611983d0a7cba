using Gateway.Configuration;
using Gateway.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Resilience;

public sealed class ConfigurationValidationTests
{
    [Fact]
    public void Resilience_Defaults_AreValidAndAsBefore()
    {
        var options = new ResilienceOptions();

        Assert.True(new ResilienceOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(2), options.StoreTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RegistryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BreakerDuration);
    }

    [Theory]
    [InlineData("StoreTimeout", "00:00:00")]
    [InlineData("RegistryTimeout", "01:00:00")]
    [InlineData("BreakerFailureRatio", "0")]
    [InlineData("BreakerFailureRatio", "1.5")]
    [InlineData("BreakerMinimumThroughput", "1")]
    [InlineData("BreakerSamplingDuration", "00:00:00.1")]
    [InlineData("BreakerDuration", "00:00:00")]
    public void Resilience_OutOfRange_NamesTheKey(string key, string value)
    {
        var options = Bind<ResilienceOptions>(ResilienceOptions.Section, key, value);

        var result = new ResilienceOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith($"Gateway:Resilience:{key} must", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("FreeFailures", "0")]
    [InlineData("MaxFailures", "5")]
    [InlineData("FirstLockout", "00:00:00")]
    [InlineData("LongestLockout", "00:00:10")]
    [InlineData("CounterLifetime", "00:30:00")]
    public void Regulation_OutOfRange_NamesTheKey(string key, string value)
    {
        var options = Bind<RegulationOptions>(RegulationOptionsValidator.Section, key, value);

        var result = new RegulationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith($"Gateway:Regulation:{key} must", StringComparison.Ordinal));
    }

    [Fact]
    public void Regulation_Defaults_AreValid() =>
        Assert.True(new RegulationOptionsValidator().Validate(null, new RegulationOptions()).Succeeded);

    [Fact]
    public void WithSources_NamesWhereTheValueWasSet()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:Resilience:StoreTimeout"] = "00:00:00" })
            .Build();
        var error = new OptionsValidationException("", typeof(ResilienceOptions), ["Gateway:Resilience:StoreTimeout must be between …", "unkeyed"]);

        var annotated = ConfigurationErrors.WithSources(configuration, error);

        Assert.StartsWith("MemoryConfigurationProvider", annotated.Failures.First());
        Assert.EndsWith(": Gateway:Resilience:StoreTimeout must be between …", annotated.Failures.First());
        Assert.Equal("unkeyed", annotated.Failures.Last());
        Assert.Equal("not set", ConfigurationErrors.SourceOf(configuration, "Gateway:Upstream"));
    }

    [Theory]
    [InlineData("embedded", true)]
    [InlineData(" Embedded ", true)]
    [InlineData("", true)]
    [InlineData("127.0.0.1:6379", false)]
    public void UsesEmbeddedStore_IsTheStoreConnectionsDefinition(string store, bool embedded) =>
        Assert.Equal(embedded, new GatewayOptions { Store = store }.UsesEmbeddedStore);

    private static T Bind<T>(string section, string key, string value) where T : new() =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{section}:{key}"] = value })
            .Build()
            .GetSection(section).Get<T>() ?? new T();
}
