using Gateway.Configuration;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Proxy;

/// <summary>How a request is changed on its way to the registry: as little as possible.</summary>
internal static class RegistryTransforms
{
    /// <summary>
    /// The one-time password is the gateway's business, never the registry's; method-override headers
    /// could make the registry act on a different method than the one the policy classified.
    /// </summary>
    private static readonly string[] StrippedHeaders =
        ["npm-otp", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    public static void Apply(TransformBuilderContext context, GatewayOptions options)
    {
        context.AddRequestTransform(RawTargetTransform.Apply);
        foreach (var header in StrippedHeaders)
        {
            context.AddRequestHeaderRemove(header);
        }

        // Registries build tarball URLs in packuments from the request's host and protocol (Verdaccio 6:
        // the Host header and X-Forwarded-Proto; others: X-Forwarded-Host), so tell them the gateway's
        // public address and clients fetch tarballs through the gateway too. Client-sent X-Forwarded-*
        // are replaced, not trusted.
        var publicUrl = new Uri(options.PublicUrl);
        context.UseDefaultForwarders = false;
        // Set directly, with YARP told to keep a Host header: otherwise it drops a Host value equal to
        // the incoming one and sends the upstream's own.
        context.AddOriginalHost(useOriginal: true);
        context.AddRequestTransform(transform =>
        {
            transform.ProxyRequest.Headers.Host = publicUrl.Authority;
            return ValueTask.CompletedTask;
        });
        context.AddXForwardedFor(action: ForwardedTransformActions.Set);
        context.AddRequestHeader("X-Forwarded-Host", publicUrl.Authority, append: false);
        context.AddRequestHeader("X-Forwarded-Proto", publicUrl.Scheme, append: false);
        context.AddRequestHeaderRemove("X-Forwarded-Prefix");
        context.AddRequestHeaderRemove("Forwarded");
    }
}
