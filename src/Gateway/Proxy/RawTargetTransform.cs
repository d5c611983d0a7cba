using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Proxy;

/// <summary>
/// Forwards the request target exactly as the client sent it. YARP rebuilds the URL from the server's
/// decoded path, which turns npm's <c>@scope%2fname</c> into <c>@scope%252fname</c> (and makes
/// <c>%2f</c> and <c>%252f</c> indistinguishable); the route policy classified the raw bytes, so the
/// registry must receive those same bytes.
/// </summary>
internal static class RawTargetTransform
{
    /// <summary>The origin-form request target (path and query) as received, or null for any other form.</summary>
    public static string? RawOriginTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return raw is { Length: > 0 } && raw[0] == '/' ? raw : null;
    }

    public static ValueTask Apply(RequestTransformContext transform)
    {
        var raw = RawOriginTarget(transform.HttpContext);
        // The destination is Gateway:Upstream, path included: the target goes under it (RegistryUris).
        if (raw is not null && RegistryUris.TryUnder(transform.DestinationPrefix, raw, out var uri))
        {
            transform.ProxyRequest.RequestUri = uri;
        }

        return ValueTask.CompletedTask;
    }
}
