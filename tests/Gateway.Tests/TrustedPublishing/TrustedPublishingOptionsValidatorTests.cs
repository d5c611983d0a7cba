using Gateway.TrustedPublishing;
using Microsoft.Extensions.Hosting;

namespace Gateway.Tests.TrustedPublishing;

/// <summary><c>Gateway:TrustedPublishing</c>'s validation: every error at once, each naming its key and value (never the registry token).</summary>
public sealed class TrustedPublishingOptionsValidatorTests
{
    [Theory]
    [InlineData("http://ci.example.com", "Gateway:TrustedPublishing:Issuers:0:Issuer must use https (plain http only on a loopback address), not 'http://ci.example.com'")]
    [InlineData("ci.example.com", "Gateway:TrustedPublishing:Issuers:0:Issuer must be an absolute https URL, not 'ci.example.com'")]
    [InlineData("ftp://ci.example.com", "Gateway:TrustedPublishing:Issuers:0:Issuer must be an absolute https URL, not 'ftp://ci.example.com'")]
    public void Issuer_NotHttpsOrLoopback_IsRefusedNamingKeyAndValue(string issuer, string error)
    {
        var result = Validate(new TrustedPublishingOptions { Issuers = [new() { Issuer = issuer, Type = "github" }], RegistryToken = "t" });

        Assert.Contains(error, result.Failures!);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080/token")]
    [InlineData("http://[::1]:8080")]
    [InlineData("https://token.actions.githubusercontent.com")]
    public void Issuer_HttpsOrLoopback_IsValid(string issuer)
    {
        Assert.True(Validate(new TrustedPublishingOptions { Issuers = [new() { Issuer = issuer, Type = "gitlab" }], RegistryToken = "t" }).Succeeded);
    }

    [Fact]
    public void EveryError_AtOnce()
    {
        var result = Validate(new TrustedPublishingOptions
        {
            Issuers =
            [
                new() { Issuer = "https://a.example", Type = "jenkins", JwksUri = "https://a.example/keys", JwksFile = "/nowhere/keys.json" },
                new() { Issuer = "https://a.example", Type = "github" },
            ],
            Audiences = [" "],
            TokenLifetime = TimeSpan.FromHours(2),
            MaxTokenAge = TimeSpan.Zero,
        });

        Assert.Equal(
            [
                "Gateway:TrustedPublishing:Issuers:0:Type must be 'github', 'gitlab' or 'circleci', not 'jenkins'",
                "Gateway:TrustedPublishing:Issuers:0: set JwksUri or JwksFile, not both",
                "Gateway:TrustedPublishing:Issuers:1:Issuer 'https://a.example' is listed twice",
                "Gateway:TrustedPublishing:Audiences:0 must not be empty",
                "Gateway:TrustedPublishing:TokenLifetime must be between 00:00:01 and 01:00:00, not '02:00:00'",
                "Gateway:TrustedPublishing:MaxTokenAge must be between 00:00:01 and 01:00:00 (an id token older than this is refused), not '00:00:00'",
                "Gateway:TrustedPublishing:RegistryToken must be set when issuers are configured: it is the registry credential trusted workflows publish with",
            ],
            result.Failures!.Where(f => !f.Contains("JwksFile '", StringComparison.Ordinal)));
        Assert.Contains(result.Failures!, f => f.StartsWith("Gateway:TrustedPublishing:Issuers:0:JwksFile '/nowhere/keys.json' cannot be read as a JWKS", StringComparison.Ordinal));
    }

    [Fact]
    public void RegistryToken_NeverInAnError()
    {
        var result = Validate(new TrustedPublishingOptions { Issuers = [new() { Issuer = "http://ci.example", Type = "x" }], RegistryToken = "secret-registry-token", TokenLifetime = TimeSpan.Zero });

        Assert.DoesNotContain(result.Failures!, f => f.Contains("secret-registry-token", StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultAudiences_HostAndHostPort_NeverNpmjs()
    {
        Assert.Equal(["npm:registry.corp", "npm:registry.corp:443"], TrustedIssuers.DefaultAudiences("https://registry.corp/"));
        Assert.Equal(["npm:127.0.0.1", "npm:127.0.0.1:4873"], TrustedIssuers.DefaultAudiences("http://127.0.0.1:4873/npm/"));
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(TrustedPublishingOptions options) =>
        new TrustedPublishingOptionsValidator(new Environment()).Validate(null, options);

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Gateway";

        public string ContentRootPath { get; set; } = Path.GetTempPath();

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
