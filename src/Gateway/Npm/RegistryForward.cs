namespace Gateway.Npm;

/// <summary>
/// For the gateway's endpoints that answer with the registry's answer (a token list annotated, a profile without
/// <c>tfa</c>, a logout): forwards the request exactly as the proxy route would — the same transforms, limits and
/// records around the forward — by running that route's endpoint, which the enforcement point kept.
/// </summary>
internal static class RegistryForward
{
    public static Task ForwardAsync(HttpContext context)
    {
        var route = context.GatewayFeature().RegistryRoute
            ?? throw new InvalidOperationException("A gateway endpoint forwarded a request that did not come through the proxy route.");
        // YARP reads its route from the request's endpoint.
        context.SetEndpoint(route);
        return route.RequestDelegate!(context);
    }
}
