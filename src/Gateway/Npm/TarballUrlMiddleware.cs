using Gateway.Logging;
using Gateway.Policy;
using Gateway.Proxy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Gateway.Npm;

/// <summary>
/// With an upstream or the gateway under a path, points the tarball URLs of packuments and manifests at the gateway's
/// public URL (docs/ARCHITECTURE.md, "An upstream under a path", "The gateway under a path"): a lockfile must resolve
/// tarballs at the gateway, never at the registry's own address nor outside the gateway's public path. Chosen by the classification (<see cref="NpmAction.Packument"/>, <see cref="NpmAction.Manifest"/>),
/// never by the path's text; tarballs and every other response pass untouched. Added to the proxy route only when the
/// upstream or the public URL has a path, so a registry and a gateway at their hosts' roots keep the read path as it was.
/// </summary>
internal sealed partial class TarballUrlMiddleware(RequestDelegate next, RegistryUris registry, ILogger<TarballUrlMiddleware> logger)
{
    private readonly TarballUrlBases _bases = registry.TarballBases
        ?? throw new InvalidOperationException("Tarball URLs are rewritten only for an upstream or a gateway under a path.");

    public Task InvokeAsync(HttpContext context)
    {
        var action = context.GatewayFeature().Classification.Action;
        return action == NpmAction.Packument || action == NpmAction.Manifest ? RewriteAsync(context) : next(context);
    }

    private async Task RewriteAsync(HttpContext context)
    {
        // The URLs can only be found in bytes the registry did not compress.
        context.Request.Headers.AcceptEncoding = "identity";
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var body = new TarballUrlStream(original.Stream, _bases);
        var decided = false;
        void Decide()
        {
            if (decided)
            {
                return;
            }

            decided = true;
            var response = context.Response;
            var encoding = response.Headers.ContentEncoding.ToString();
            body.PassThrough = response.StatusCode != StatusCodes.Status200OK || encoding is not ("" or "identity");
            if (!body.PassThrough)
            {
                response.Headers.Remove(HeaderNames.ContentLength); // the rewritten body has its own length
            }
            else if (response.StatusCode == StatusCodes.Status200OK)
            {
                // A registry (or a proxy before it) that compresses despite Accept-Encoding: identity hands out its own URLs.
                LogNotRewritten(logger, encoding);
            }
        }

        // Whichever comes first: the response starting (a HEAD, an empty body) or its first bytes (headers are copied by then).
        context.Response.OnStarting(() =>
        {
            Decide();
            return Task.CompletedTask;
        });
        body.BeforeFirstWrite = Decide;
        var rewritten = new StreamResponseBodyFeature(body, original);
        context.Features.Set<IHttpResponseBodyFeature>(rewritten);
        try
        {
            await next(context);
            await rewritten.CompleteAsync(); // flushes what was written through the pipe writer, if anything was
            await body.CompleteAsync(context.RequestAborted);
        }
        finally
        {
            context.Features.Set(original);
        }
    }

    [LoggerMessage(EventId = LogEvents.TarballUrlsNotRewritten, Level = LogLevel.Warning, Message = "A packument came from the registry compressed ({Encoding}) although the gateway asked for it uncompressed: its tarball URLs were not pointed at the gateway")]
    private static partial void LogNotRewritten(ILogger logger, string encoding);
}
