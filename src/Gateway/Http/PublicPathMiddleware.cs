using Gateway.Logging;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Http;

/// <summary>
/// Serves the gateway under the path of <c>Gateway:PublicUrl</c> (docs/ARCHITECTURE.md, "The gateway under a path"):
/// a request under it continues with the path moved into <see cref="HttpRequest.PathBase"/>, in the decoded path and in
/// the request target as received alike, so the policy, the token rules and the gateway's endpoints see the npm path;
/// anything else is answered 404 with where the registry is. One exception: npm posts the OIDC token exchange to the
/// host's root whatever the registry's path, so that request is taken in as if it came under the path.
/// </summary>
internal sealed partial class PublicPathMiddleware(RequestDelegate next, string publicUrl, ILogger<PublicPathMiddleware> logger)
{
    /// <summary>npm builds this URL from the registry's origin, dropping its path (docs/PROTOCOL.md §3.1, row 23).</summary>
    private const string RootOidcExchange = "/-/npm/v1/oidc/token/exchange/package/";

    /// <summary>The public URL's path as it is spelled in a request target (escaped), e.g. <c>/npm</c>.</summary>
    private readonly string _rawPrefix = new Uri(publicUrl).AbsolutePath.TrimEnd('/');

    private readonly PathString _prefix = PathString.FromUriComponent(new Uri(publicUrl).AbsolutePath.TrimEnd('/'));

    private readonly string _outside = $"This is the npm 2FA gateway: the registry and the gateway's pages are under {publicUrl}";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>();
        if (request.Path.StartsWithSegments(_prefix, StringComparison.Ordinal, out var npmPath) && TryStrip(target))
        {
            request.PathBase = request.PathBase.Add(_prefix);
            request.Path = npmPath.HasValue ? npmPath : "/";
            return next(context);
        }

        if (HttpMethods.IsPost(request.Method) && target.RawTarget.StartsWith(RootOidcExchange, StringComparison.Ordinal))
        {
            request.PathBase = request.PathBase.Add(_prefix);
            return next(context);
        }

        LogOutside(logger, request.Method);
        return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, _outside);
    }

    /// <summary>
    /// The request target without the prefix (<c>/npm/@s%2fn?write=true</c> → <c>/@s%2fn?write=true</c>), for the stages
    /// and the forward that read the target as received. False when the target does not spell the prefix as the public URL
    /// does (<c>/np%6d/</c>): such a request is outside. A target of another form is left for the classification to refuse.
    /// </summary>
    private bool TryStrip(IHttpRequestFeature target)
    {
        var raw = target.RawTarget;
        if (raw.Length == 0 || raw[0] != '/')
        {
            return true;
        }

        if (!raw.StartsWith(_rawPrefix, StringComparison.Ordinal) || (raw.Length > _rawPrefix.Length && raw[_rawPrefix.Length] is not ('/' or '?')))
        {
            return false;
        }

        var rest = raw[_rawPrefix.Length..];
        target.RawTarget = rest.Length == 0 || rest[0] == '?' ? "/" + rest : rest;
        return true;
    }

    [LoggerMessage(EventId = LogEvents.OutsidePublicPath, Level = LogLevel.Debug, Message = "{Method} outside the gateway's public path answered 404")]
    private static partial void LogOutside(ILogger logger, string method);
}
