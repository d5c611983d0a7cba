using Gateway.Automation;

namespace Gateway.Npm;

/// <summary>
/// Remembers who published each package through the gateway, once the registry accepted the publish: the
/// maintainers of a package whose registry keeps none in its packument (Verdaccio 6), for <see cref="PackageRuleMiddleware"/>.
/// </summary>
internal sealed class PublisherLedgerMiddleware(RequestDelegate next, PackageRuleBook packages)
{
    private const string PublishAction = "publish";

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Classification is { Action: PublishAction, Package: { } package } && feature.Caller is { } caller
            ? RecordAsync(context, package, caller.Username)
            : next(context);
    }

    private async Task RecordAsync(HttpContext context, string package, string user)
    {
        await next(context);
        if (context.Response.StatusCode is >= 200 and < 300)
        {
            await packages.AddPublisherAsync(package, user, context.RequestAborted);
        }
    }
}
