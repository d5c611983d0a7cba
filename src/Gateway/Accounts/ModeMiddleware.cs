using Gateway.Identity;
using Gateway.Pipeline;
using Gateway.Policy;
using Gateway.Resilience;

namespace Gateway.Accounts;

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
        try
        {
            feature.Mode = await modes.GetModeAsync(caller.Username, context.RequestAborted);
        }
        catch (DependencyUnavailableException)
        {
            // Whether this caller needs a second factor cannot be known: the next stage fails closed.
            feature.IdentityOutcome = IdentityOutcome.Unavailable;
        }

        await next(context);
    }
}
