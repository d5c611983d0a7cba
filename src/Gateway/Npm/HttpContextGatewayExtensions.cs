namespace Gateway.Npm;

internal static class HttpContextGatewayExtensions
{
    /// <summary>The gateway's per-request state; present on every proxied request after classification.</summary>
    public static GatewayRequestFeature GatewayFeature(this HttpContext context) =>
        context.Features.Get<GatewayRequestFeature>()
        ?? throw new InvalidOperationException("The classification stage must run before the other gateway stages.");
}
