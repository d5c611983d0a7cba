using System.Net;
using Gateway.Limits;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Limits;

public sealed class LimitsOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndStayUnderNodesHeaderLimit()
    {
        var options = new LimitsOptions();

        Assert.True(new LimitsOptionsValidator(descriptors: 1_048_576).Validate(null, options).Succeeded);
        // Request line and headers together, with a few hundred bytes for what the gateway adds, under Node's 16 KB.
        Assert.True(options.MaxRequestHeadersTotalSize + options.MaxRequestLineSize <= 16 * 1024 - 512);
        Assert.True(options.KeepAliveTimeout < TimeSpan.FromSeconds(130));
    }

    [Theory]
    [InlineData(1_048_576, 10_000)]
    [InlineData(4_096, 1_792)]
    [InlineData(1_024, 256)]
    public void DefaultConnectionLimit_FitsTheDescriptorLimit(long descriptors, long expected) =>
        Assert.Equal(expected, new LimitsOptionsValidator(descriptors).EffectiveMaxConnections(new LimitsOptions()));

    [Fact]
    public void ConnectionLimitAboveWhatTheDescriptorsHold_StopsStartUp_NamingTheKey()
    {
        var result = new LimitsOptionsValidator(descriptors: 4_096).Validate(null, new LimitsOptions { MaxConcurrentConnections = 20_000 });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Gateway:Limits:MaxConcurrentConnections is 20000", failure, StringComparison.Ordinal);
        Assert.Contains("at most 1792", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxRequestHeadersTotalSize", "100")]
    [InlineData("MaxRequestLineSize", "10")]
    [InlineData("MaxConnectionsPerAddress", "-1")]
    [InlineData("KeepAliveTimeout", "00:00:00")]
    [InlineData("RequestHeadersTimeout", "01:00:00")]
    [InlineData("MaxConcurrentConnections", "0")]
    public void OutOfRange_NamesTheKey(string key, string value)
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [LimitsOptions.Section + ":" + key] = value })
            .Build().GetSection(LimitsOptions.Section).Get<LimitsOptions>()!;

        var result = new LimitsOptionsValidator(descriptors: null).Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith($"Gateway:Limits:{key} ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5", true)]
    [InlineData("10.0.0.5", "::ffff:10.0.0.5", true)]
    [InlineData("10.0.0.5", "10.0.0.6", false)]
    [InlineData("10.1.0.0/16", "10.1.200.3", true)]
    [InlineData("10.1.0.0/16, fd00::/8", "fd12::1", true)]
    [InlineData("", "127.0.0.1", false)]
    public void TrustedProxies_AddressesAndNetworks(string setting, string client, bool trusted)
    {
        var errors = new List<string>();
        var proxies = TrustedProxies.Parse(Config(setting), errors);

        Assert.Empty(errors);
        Assert.Equal(trusted, proxies.Contains(IPAddress.Parse(client)));
    }

    [Fact]
    public void TrustedProxies_AsAList_AndAnInvalidEntryNamesTheKey()
    {
        var errors = new List<string>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:TrustedProxies:0"] = "192.0.2.1",
            ["Gateway:TrustedProxies:1"] = "proxy.internal",
        }).Build();

        var proxies = TrustedProxies.Parse(configuration, errors);

        Assert.True(proxies.Contains(IPAddress.Parse("192.0.2.1")));
        Assert.StartsWith("Gateway:TrustedProxies must list IP addresses or CIDR networks", Assert.Single(errors), StringComparison.Ordinal);
    }

    private static IConfiguration Config(string trustedProxies) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:TrustedProxies"] = trustedProxies }).Build();
}
