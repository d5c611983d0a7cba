using Gateway.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Configuration;

/// <summary>The shapes of <c>Gateway:Upstream</c> and <c>Gateway:PublicUrl</c>: bad ones stop start-up with the key and the reason.</summary>
public sealed class GatewayUrlValidationTests
{
    [Theory]
    [InlineData("http://127.0.0.1:4873")]
    [InlineData("http://127.0.0.1:4873/")]
    [InlineData("http://nexus:8081/repository/npm-hosted/")]
    [InlineData("https://corp.jfrog.io/artifactory/api/npm/npm-local")]
    [InlineData("https://gitlab.example.com/api/v4/projects/42/packages/npm/")]
    public void Upstream_WithOrWithoutAPath_IsValid(string upstream) =>
        Assert.Empty(Failures(upstream, "http://localhost:8080"));

    [Theory]
    [InlineData("http://nexus:8081/repository/npm-hosted/?token=x")]
    [InlineData("http://nexus:8081/repository/npm-hosted/?")]
    [InlineData("http://nexus:8081/repository/npm-hosted/#top")]
    [InlineData("http://nexus:8081/#")]
    public void Upstream_WithAQueryOrFragment_NamesTheKeyAndTheReason(string upstream)
    {
        var failure = Assert.Single(Failures(upstream, "http://localhost:8080"));

        Assert.StartsWith("Gateway:Upstream must not carry a query or fragment", failure, StringComparison.Ordinal);
        Assert.Contains(upstream, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://tools.example.com")]
    [InlineData("https://tools.example.com/")]
    [InlineData("https://tools.example.com/npm/")]
    public void PublicUrl_WithNoPathOrASlashTerminatedOne_IsValid(string publicUrl) =>
        Assert.Empty(Failures("http://127.0.0.1:4873", publicUrl));

    [Theory]
    [InlineData("https://tools.example.com/npm")]
    [InlineData("https://tools.example.com/a/b")]
    public void PublicUrl_WithAPathNotEndingInASlash_NamesTheKeyAndTheReason(string publicUrl)
    {
        var failure = Assert.Single(Failures("http://127.0.0.1:4873", publicUrl));

        Assert.StartsWith("Gateway:PublicUrl must have no path or a path that ends with '/'", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://tools.example.com/?x=1")]
    [InlineData("https://tools.example.com/#x")]
    [InlineData("ftp://tools.example.com/")]
    public void PublicUrl_OtherwiseMisshapen_IsRefused(string publicUrl) =>
        Assert.StartsWith("Gateway:PublicUrl must", Assert.Single(Failures("http://127.0.0.1:4873", publicUrl)), StringComparison.Ordinal);

    [Theory]
    [InlineData("http://localhost:8080/repository/npm-hosted/")]
    [InlineData("http://LOCALHOST:8080")]
    public void Upstream_WithThePublicUrlsOrigin_IsTheGatewayItself(string upstream) =>
        Assert.StartsWith("Gateway:Upstream must not be the gateway itself", Assert.Single(Failures(upstream, "http://localhost:8080")), StringComparison.Ordinal);

    [Theory]
    [InlineData("urls", "http://127.0.0.1:5080", "http://127.0.0.1:5080/repository/npm/")]
    [InlineData("urls", "http://*:5080;https://*:5443", "http://localhost:5080")]
    [InlineData("urls", "http://0.0.0.0:5080", "http://127.0.0.1:5080")]
    [InlineData("urls", "http://[::]:5080", "http://[::1]:5080")]
    [InlineData("http_ports", "8080", "http://127.0.0.1:8080")]
    [InlineData("Kestrel:Endpoints:Main:Url", "http://localhost:5080", "http://localhost:5080")]
    public void Upstream_WhereTheGatewayListens_IsTheGatewayItself(string key, string value, string upstream)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var failure = Assert.Single(Failures(upstream, "https://npm.example.com", configuration));

        Assert.StartsWith("Gateway:Upstream must not be the gateway itself", failure, StringComparison.Ordinal);
        Assert.Contains("where the gateway listens", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:4873")]       // another port
    [InlineData("http://127.0.0.1:5080", "https://127.0.0.1:5080")]      // another scheme
    [InlineData("http://127.0.0.1:5080", "http://10.1.2.3:5080")]        // another host
    [InlineData("http://127.0.0.1:0", "http://127.0.0.1:4873")]          // a port chosen at start
    public void Upstream_ElsewhereThanTheGateway_IsValid(string urls, string upstream)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build();

        Assert.Empty(Failures(upstream, "https://npm.example.com", configuration));
    }

    [Fact]
    public void NothingConfigured_ListensWhereAspNetCoreDoes() =>
        Assert.StartsWith("Gateway:Upstream must not be the gateway itself",
            Assert.Single(Failures("http://127.0.0.1:5000", "https://npm.example.com", new ConfigurationBuilder().Build())), StringComparison.Ordinal);

    private static IEnumerable<string> Failures(string upstream, string publicUrl, IConfiguration? configuration = null) =>
        new GatewayOptionsValidator(configuration).Validate(null, new GatewayOptions { Upstream = upstream, PublicUrl = publicUrl }).Failures ?? [];
}
