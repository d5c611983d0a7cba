using System.Diagnostics.Metrics;
using Gateway.Configuration;
using Gateway.Metrics;
using Gateway.Npm;
using Gateway.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Npm;

/// <summary>
/// The second-factor stage fails closed on a protected request that reached it without a caller: the identity stage
/// answers those (issue 19), but should one ever get here, it is refused like an anonymous one, never forwarded.
/// </summary>
public sealed class SecondFactorMiddlewareTests
{
    [Theory]
    [InlineData(ProtectionClass.Auth, "token-create", "/-/npm/v1/tokens")]
    [InlineData(ProtectionClass.Writes, "publish", "/demo-pkg")]
    public async Task InvokeAsync_ProtectedRequestWithoutCaller_Is401_NeverForwarded(ProtectionClass protection, string action, string target)
    {
        var forwarded = false;
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.Features.Set(new GatewayRequestFeature
        {
            Classification = new RequestClassification(action, null, protection, "test rule"),
            Path = RequestPath.Parse(target),
            RawTarget = target,
        });
        var middleware = new SecondFactorMiddleware(_ => { forwarded = true; return Task.CompletedTask; },
            verifier: null!, writer: null!, flows: null!, urls: null!, limits: null!, Decisions(), bodies: null!, CapturingLoggerFor());

        await middleware.InvokeAsync(context);

        Assert.False(forwarded);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal(AnonymousRefusal.Challenge, context.Response.Headers.WWWAuthenticate.ToString());
    }

    private static SecondFactorDecisions Decisions()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new SecondFactorDecisions(audit: null!, new GatewayMetrics(meters), Options.Create(new GatewayOptions()), packageRules: null!);
    }

    private static CapturingLogger<SecondFactorMiddleware> CapturingLoggerFor() => new();
}
