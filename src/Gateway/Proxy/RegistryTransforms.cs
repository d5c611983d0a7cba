using Gateway.Configuration;
using Microsoft.Net.Http.Headers;
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

    /// <summary>Headers the registry must not get from the client: the gateway sets its own or none.</summary>
    private static readonly string[] ReplacedForwardingHeaders = ["X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "Forwarded"];

    public static void Apply(TransformBuilderContext context, GatewayOptions options)
    {
        // Registries build tarball URLs in packuments from the request's host and protocol (Verdaccio 6:
        // the Host header and X-Forwarded-Proto; others: X-Forwarded-Host), so tell them the gateway's
        // public address and clients fetch tarballs through the gateway too. Client-sent X-Forwarded-*
        // are replaced, not trusted.
        var publicUrl = new Uri(options.PublicUrl);
        var authority = publicUrl.Authority; // Uri.Authority builds a new string on every call
        var scheme = publicUrl.Scheme;
        context.UseDefaultForwarders = false;
        // Host is set directly, with YARP told to keep a Host header: otherwise it drops a Host value equal
        // to the incoming one and sends the upstream's own.
        context.AddOriginalHost(useOriginal: true);
        context.AddXForwardedFor(action: ForwardedTransformActions.Set);
        // One transform for everything else (issue 9: eleven small transforms cost about 2 µs per read).
        // A header the client did not send is not in the proxy request either (YARP copied the client's
        // headers and nothing before this adds these), so it is removed only when the client sent it.
        context.AddRequestTransform(transform =>
        {
            RawTargetTransform.Apply(transform);
            var incoming = transform.HttpContext.Request.Headers;
            foreach (var header in StrippedHeaders)
            {
                if (incoming.ContainsKey(header))
                {
                    Remove(transform, header);
                }
            }

            foreach (var header in ReplacedForwardingHeaders)
            {
                if (incoming.ContainsKey(header))
                {
                    Remove(transform, header);
                }
            }

            var headers = transform.ProxyRequest.Headers;
            headers.Remove(HeaderNames.Host); // else the setter first parses the client's Host it replaces
            headers.Host = authority;
            headers.TryAddWithoutValidation("X-Forwarded-Host", authority);
            headers.TryAddWithoutValidation("X-Forwarded-Proto", scheme);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>As YARP's header removal: from the request headers, else from the content headers.</summary>
    private static void Remove(RequestTransformContext transform, string header)
    {
        if (!transform.ProxyRequest.Headers.Remove(header))
        {
            transform.ProxyRequest.Content?.Headers.Remove(header);
        }
    }
}
