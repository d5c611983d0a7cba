using Microsoft.AspNetCore.Components;

namespace Gateway.Browser;

/// <summary>
/// The results of the gateway's HTML pages: a Razor component under <c>Browser/Pages/</c>, rendered on the server
/// (<see cref="PageRenderer"/>) and sent with the pages' security headers (<see cref="PageResult{TPage}"/>).
/// </summary>
internal static class PageResults
{
    /// <param name="parameters">The component's parameters as an anonymous object (<c>new { Error = error }</c>), as for <c>RazorComponentResult</c>.</param>
    public static IResult Page<TPage>(object? parameters = null, int status = StatusCodes.Status200OK) where TPage : IComponent =>
        new PageResult<TPage>(ToDictionary(parameters), status);

    /// <summary>A page that only says what went wrong (an expired flow, a dependency that cannot answer).</summary>
    public static IResult ErrorPage(string title, string message, int status) =>
        Page<ErrorPage>(new { Title = title, Message = message }, status);

    /// <summary>
    /// A redirect to a <c>GatewayUrls</c> page under the path the request came in (<c>~/</c> is the request's
    /// <c>PathBase</c>; docs/ARCHITECTURE.md, "The gateway under a path").
    /// </summary>
    public static IResult RedirectTo(string gatewayUrl) => Results.Redirect("~" + gatewayUrl);

    private static Dictionary<string, object?> ToDictionary(object? parameters) =>
        parameters?.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(parameters)) ?? [];
}
