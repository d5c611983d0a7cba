using Gateway.Accounts;
using Gateway.Identity;
using Gateway.Pipeline;

namespace Gateway.SecondFactor;

/// <summary>
/// Stage 4: when the caller's mode requires a second factor for this class of request, checks the
/// <c>npm-otp</c> header; forwards on success, otherwise answers the challenge (or 429/503).
/// </summary>
internal sealed partial class SecondFactorMiddleware(RequestDelegate next, OtpVerifier verifier, ChallengeWriter writer, ILogger<SecondFactorMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        if (feature.IdentityOutcome == IdentityOutcome.Unavailable)
        {
            // Cannot tell whether this caller needs 2FA: fail closed.
            return writer.WriteAsync(context, VerificationResult.Of(VerificationOutcome.UpstreamUnavailable));
        }

        return feature.Caller is { } caller && feature.Mode.Requires(feature.Classification.Class)
            ? VerifyAsync(context, feature, caller)
            : next(context);
    }

    private async Task VerifyAsync(HttpContext context, GatewayRequestFeature feature, CallerIdentity caller)
    {
        var result = await verifier.VerifyAsync(caller, context.Request.Headers["npm-otp"].ToString(), context.RequestAborted);
        if (result.Outcome != VerificationOutcome.Verified)
        {
            await writer.WriteAsync(context, result);
            return;
        }

        feature.SecondFactor = result.Factor;
        LogVerified(logger, feature.Classification.Action, feature.Classification.Package, caller.Username, result.Factor);
        await next(context);
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Second factor accepted ({Factor}) for {Action} of {Package} by user {User}")]
    private static partial void LogVerified(ILogger logger, string action, string? package, string user, string? factor);
}
