using System.Text;
using Gateway.Browser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Browser;

/// <summary>
/// A page result executed as a handler's would be, on a request with the services pages use (logging, antiforgery):
/// its status, headers and HTML.
/// </summary>
internal sealed record RenderedPage(int Status, IHeaderDictionary Headers, string? ContentType, string Html)
{
    private static readonly IServiceProvider s_services = NewServices();

    /// <param name="pathBase">The public path the request came in under (<c>/npm</c>), if any.</param>
    public static async Task<RenderedPage> ExecuteAsync(IResult result, PathString pathBase = default)
    {
        var context = NewContext();
        context.Request.PathBase = pathBase;
        await result.ExecuteAsync(context);
        var html = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        return new RenderedPage(context.Response.StatusCode, context.Response.Headers, context.Response.ContentType, html);
    }

    /// <summary>One component (a part of a page) rendered alone.</summary>
    public static Task<string> RenderAsync<TComponent>(IReadOnlyDictionary<string, object?> parameters) where TComponent : IComponent =>
        PageRenderer.RenderAsync<TComponent>(NewContext(), parameters);

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext { RequestServices = s_services };
        context.Request.Method = "GET";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static ServiceProvider NewServices()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery();
        return services.BuildServiceProvider();
    }
}
