using Microsoft.AspNetCore.Components;

namespace Gateway.Browser;

/// <summary>
/// The base of every page component (<c>Pages/_Imports.razor</c>): the request's <see cref="HttpContext"/>, cascaded by
/// <see cref="PageRenderer"/>, and <see cref="Href"/>, which puts a link or form action under the gateway's public path.
/// </summary>
public abstract class PageComponent : ComponentBase
{
    [CascadingParameter] public HttpContext HttpContext { get; set; } = default!;

    /// <summary>
    /// A <c>GatewayUrls</c> URL as the browser must request it: under the path the request came in (<c>/npm</c> when
    /// <c>Gateway:PublicUrl</c> is <c>https://tools.example.com/npm/</c>; docs/ARCHITECTURE.md, "The gateway under a path").
    /// </summary>
    protected string Href(string gatewayUrl) => HttpContext.Request.PathBase.ToUriComponent() + gatewayUrl;
}
