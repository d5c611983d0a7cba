using Gateway.Accounts;
using Gateway.Identity;
using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>Stage 3: the caller's 2FA mode (cached in process). Skipped for class none and anonymous callers.</summary>
internal sealed class ModeMiddleware(RequestDelegate next, IUserModeSource modes)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Classification.Class == ProtectionClass.None || feature.Caller is null
            ? next(context)
            : LookUpAsync(context, feature, feature.Caller);
    }

    private async Task LookUpAsync(HttpContext context, GatewayRequestFeature feature, CallerIdentity caller)
    {
        feature.Mode = await modes.GetModeAsync(caller.Username, context.RequestAborted);

        await next(context);
    }
}
