using Microsoft.AspNetCore.Components;

namespace Gateway.Browser;

/// <summary>
/// A page: the component rendered to HTML first (a form's antiforgery token is taken while rendering, which sets
/// the antiforgery cookie and its no-cache headers), then the pages' own headers, then the body. The policy allows
/// no inline script or style: the pages use only <c>Browser/Assets/</c>.
/// </summary>
internal sealed class PageResult<TPage>(IReadOnlyDictionary<string, object?> parameters, int status) : IResult where TPage : IComponent
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var html = await PageRenderer.RenderAsync<TPage>(httpContext, parameters);
        var headers = httpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        await Results.Content(html, "text/html; charset=utf-8", statusCode: status).ExecuteAsync(httpContext);
    }
}
