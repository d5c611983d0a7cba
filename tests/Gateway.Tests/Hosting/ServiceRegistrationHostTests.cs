using Gateway.Audit;
using Gateway.Automation;
using Gateway.Identity;
using Gateway.Metrics;
using Gateway.Store;
using Gateway.Tests.Store;
using Gateway.TwoFactor;
using Gateway.WebAuthn;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The gateway's container as <c>Program</c> builds it, in Production (where ASP.NET Core would not check it): every
/// core service resolves, and a registration that is missing stops start-up when the container is built, rather
/// than the core quietly running without its audit trail, metrics or replica confirmation.
/// </summary>
public sealed class ServiceRegistrationHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Theory]
    [InlineData(typeof(SecondFactorVerifier))]
    [InlineData(typeof(TwoFactorAccounts))]
    [InlineData(typeof(FailureRegulator))]
    [InlineData(typeof(CachedUserModes))]
    [InlineData(typeof(WebOtpTokens))]
    [InlineData(typeof(PasswordGuesses))]
    [InlineData(typeof(SecurityKeys))]
    [InlineData(typeof(IdentityResolver))]
    [InlineData(typeof(TokenLedger))]
    [InlineData(typeof(PackageRuleBook))]
    [InlineData(typeof(AuditTrail))]
    [InlineData(typeof(AccountRecords))]
    [InlineData(typeof(FailureCounters))]
    [InlineData(typeof(RecoveryCodeBindings))]
    [InlineData(typeof(WebOtpRecords))]
    [InlineData(typeof(TokenRecords))]
    public void CoreService_Resolves(Type service)
    {
        Assert.IsType(service, host.Services.GetRequiredService(service));
    }

    [Theory]
    [InlineData(typeof(AuditTrail))]
    [InlineData(typeof(GatewayMetrics))]
    [InlineData(typeof(CachedUserModes))]
    [InlineData(typeof(ReplicaConfirmation))]
    public void MissingRegistration_StopsStartUpWhenTheContainerIsBuilt(Type missing)
    {
        using var dataPath = new TemporaryFolder();
        using var factory = new WithoutRegistration(missing, dataPath.Path);

        // The store setting names a port nobody listens on: start-up that got past building the container
        // would fail on connecting, with another message.
        var failure = Assert.ThrowsAny<Exception>(() => factory.Services);

        var validation = Assert.IsType<AggregateException>(failure);
        Assert.StartsWith("Some services are not able to be constructed", validation.Message, StringComparison.Ordinal);
        Assert.Contains($"Unable to resolve service for type '{missing.FullName}'", validation.Message, StringComparison.Ordinal);
    }

    private sealed class WithoutRegistration(Type missing, string dataPath) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Gateway:Upstream", "http://127.0.0.1:9");
            builder.UseSetting("Gateway:PublicUrl", "http://localhost");
            builder.UseSetting("Gateway:Store", $"127.0.0.1:{FreePort.Next()}");
            builder.UseSetting("Gateway:DataPath", dataPath);
            builder.UseSetting("Gateway:PolicyFile", RepoPaths.RoutePolicy);
            builder.ConfigureTestServices(services => services.RemoveAll(missing));
        }
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gw-services-" + Guid.NewGuid().ToString("N"))).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
