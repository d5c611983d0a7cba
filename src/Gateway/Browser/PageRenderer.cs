using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Gateway.Browser;

/// <summary>
/// Renders a page component to a string with the framework's <see cref="HtmlRenderer"/>, which HTML-encodes every
/// value a component writes. The request's <see cref="HttpContext"/> is a cascading value, as in ASP.NET's static
/// server rendering, for the components that need it (<c>Pages/Shared/FormToken.razor</c>).
/// </summary>
/// <remarks>Not <c>RazorComponentResult</c>, which writes the response while it renders: Pages/README.md says why.</remarks>
internal static class PageRenderer
{
    public static async Task<string> RenderAsync<TComponent>(HttpContext context, IReadOnlyDictionary<string, object?> parameters) where TComponent : IComponent
    {
        var services = context.RequestServices;
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var root = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(CascadingValue<HttpContext>.Value)] = context,
                [nameof(CascadingValue<HttpContext>.IsFixed)] = true,
                [nameof(CascadingValue<HttpContext>.ChildContent)] = Component<TComponent>(parameters),
            });
            var output = await renderer.RenderComponentAsync<CascadingValue<HttpContext>>(root);
            return output.ToHtmlString();
        });
    }

    private static RenderFragment Component<TComponent>(IReadOnlyDictionary<string, object?> parameters) where TComponent : IComponent => builder =>
    {
        builder.OpenComponent<TComponent>(0);
        foreach (var (name, value) in parameters)
        {
            builder.AddComponentParameter(1, name, value);
        }

        builder.CloseComponent();
    };
}
