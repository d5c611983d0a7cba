using System.Text.Json;
using Gateway.Pipeline;
using Gateway.Policy;

namespace Gateway.Identity;

/// <summary>
/// Stage 2: who is calling. Only for requests whose class could need a second factor; reads and
/// other class-none requests pass without any lookup.
/// </summary>
internal sealed class IdentityMiddleware(RequestDelegate next, IdentityResolver resolver, RoutePolicyProvider policies)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Classification.Class == ProtectionClass.None ? next(context) : ResolveAsync(context, feature);
    }

    private async Task ResolveAsync(HttpContext context, GatewayRequestFeature feature)
    {
        if (feature.Classification.PathUser is { } pathUser && !await BodyNamesSameUserAsync(context, feature, pathUser))
        {
            // Verdaccio logs in the user named in the body, not the path: a request naming one user in the
            // path and another in the body would have the second factor checked for the wrong account.
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The user named in the request body does not match the user in the path.");
            return;
        }

        (feature.IdentityOutcome, feature.Caller) = await resolver.ResolveAsync(context.Request, feature.Classification, context.RequestAborted);
        await next(context);
    }

    private async Task<bool> BodyNamesSameUserAsync(HttpContext context, GatewayRequestFeature feature, string pathUser)
    {
        if (feature.Body is null)
        {
            var body = await BodyReader.ReadSmallJsonAsync(context.Request, policies.Current.MaxBodyBytes, context.RequestAborted);
            if (body.State == RequestBodyState.Parsed)
            {
                feature.Body = body.Json;
            }
            else if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                return false; // a login body the gateway cannot read cannot be checked
            }
        }

        return feature.Body is not { ValueKind: JsonValueKind.Object } json
            || !json.TryGetProperty("name", out var name)
            || (name.ValueKind == JsonValueKind.String && name.GetString() == pathUser);
    }
}
