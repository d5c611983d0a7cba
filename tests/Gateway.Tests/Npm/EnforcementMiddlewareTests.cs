using System.Diagnostics.Metrics;
using Gateway.Metrics;
using Gateway.Npm;
using Gateway.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Npm;

/// <summary>
/// The enforcement point fails closed on a protected request that reached it without a caller: the decision refuses
/// those (issue 19), but should one ever get here with a decision that lets it through, it is refused like an anonymous
/// one, never forwarded.
/// </summary>
public sealed class EnforcementMiddlewareTests
{
    [Theory]
    [InlineData("token-create", "/-/npm/v1/tokens")]
    [InlineData("publish", "/demo-pkg")]
    public async Task InvokeAsync_ProtectedRequestWithoutCaller_Is401_NeverForwarded(string action, string target)
    {
        Assert.True(NpmAction.TryFind(action, out var npmAction));
        var forwarded = false;
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.Features.Set(new GatewayRequestFeature
        {
            Classification = new RequestClassification(npmAction, null, npmAction.MinimumClass, "test rule"),
            Path = RequestPath.Parse(target),
            RawTarget = target,
        });
        var middleware = new EnforcementMiddleware(_ => { forwarded = true; return Task.CompletedTask; },
            verifier: null!, passwords: null!, writer: null!, flows: null!, urls: null!, limits: null!, Audit(), bodies: null!, new NpmEndpointTable(),
            new CapturingLogger<EnforcementMiddleware>());

        await middleware.InvokeAsync(context);

        Assert.False(forwarded);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal(AnonymousRefusal.Challenge, context.Response.Headers.WWWAuthenticate.ToString());
    }

    private static DecisionAudit Audit()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new DecisionAudit(audit: null!, new GatewayMetrics(meters));
    }
}
