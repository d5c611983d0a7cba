using Gateway.Http;

namespace Gateway.Browser;

/// <summary>
/// The pages' only script and stylesheet (<c>Browser/Assets/</c>), embedded in the assembly so a published gateway
/// needs no folder beside it, read once at start-up and served from the gateway itself (no front-end build).
/// </summary>
internal static class Assets
{
    public const string ScriptResource = "Gateway.Browser.Assets.gateway.js";
    public const string StyleResource = "Gateway.Browser.Assets.gateway.css";

    // Read when the endpoints are mapped: a gateway built without them stops at start-up, not on a page.
    private static readonly string s_script = Read(ScriptResource);
    private static readonly string s_style = Read(StyleResource);

    public static IEndpointRouteBuilder MapGatewayAssets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(GatewayUrls.Script, () => Results.Text(s_script, "text/javascript; charset=utf-8"));
        endpoints.MapGet(GatewayUrls.Style, () => Results.Text(s_style, "text/css; charset=utf-8"));
        return endpoints;
    }

    /// <summary>An embedded asset's text (its logical name is set in Gateway.csproj).</summary>
    public static string Read(string resource)
    {
        using var stream = typeof(Assets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The gateway's asset {resource} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
