using Gateway.Npm;
using Gateway.TrustedPublishing;
using Microsoft.Extensions.Options;

namespace Gateway.Endpoints;

/// <summary>
/// <c>GET /-/package/&lt;name&gt;/visibility</c>: npm asks it after a trusted-publishing exchange from a public repository,
/// and on <c>{"public": true}</c> turns provenance on, which needs Sigstore's public servers (Fulcio, Rekor). The
/// gateway answers <c>{"public": false}</c>, so a gateway on a closed network publishes without them, unless
/// <c>Gateway:TrustedPublishing:ForwardVisibility</c> leaves the answer to the registry (README.md, "Trusted publishing").
/// </summary>
internal sealed class VisibilityEndpoint(IOptions<TrustedPublishingOptions> options)
{
    public Task HandleAsync(HttpContext context)
    {
        if (options.Value.ForwardVisibility)
        {
            return RegistryForward.ForwardAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("""{"public":false}""", context.RequestAborted);
    }
}
