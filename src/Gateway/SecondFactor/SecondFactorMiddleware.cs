using Gateway.Accounts;
using Gateway.Identity;
using Gateway.Pipeline;

namespace Gateway.SecondFactor;

/// <summary>
/// Stage 4: when the caller's mode requires a second factor for this class of request, checks the
/// <c>npm-otp</c> header; forwards on success, otherwise answers the challenge (or 429/503).
/// </summary>
internal sealed partial class SecondFactorMiddleware(
    RequestDelegate next,
    OtpVerifier verifier,
    ChallengeWriter writer,
    BrowserFlows.BrowserFlowStore flows,
    BrowserFlows.BrowserFlowUrls urls,
    ILogger<SecondFactorMiddleware> logger)
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
        var result = await verifier.VerifyAsync(caller, context.Request.Headers["npm-otp"].ToString(), feature.Classification, context.RequestAborted);
        if (result.Outcome != VerificationOutcome.Verified)
        {
            var webFlow = result.Outcome == VerificationOutcome.Missing && WantsWebAuth(context.Request)
                ? await StartWebFlowAsync(feature, caller, context.RequestAborted)
                : null;
            await writer.WriteAsync(context, result, webFlow);
            return;
        }

        feature.SecondFactor = result.Factor;
        LogVerified(logger, feature.Classification.Action, feature.Classification.Package, caller.Username, result.Factor);
        await next(context);
    }

    /// <summary>npm ≥ 9 and pnpm ≥ 11 send <c>npm-auth-type: web</c>; yarn and <c>--otp</c> runs get the classic challenge.</summary>
    private static bool WantsWebAuth(HttpRequest request) =>
        string.Equals(request.Headers["npm-auth-type"].ToString(), "web", StringComparison.OrdinalIgnoreCase);

    private async Task<ChallengeWriter.WebFlowUrls?> StartWebFlowAsync(GatewayRequestFeature feature, CallerIdentity caller, CancellationToken cancellation)
    {
        try
        {
            var (flowId, doneId) = await flows.CreateAsync(BrowserFlows.FlowKind.Otp, caller.Username, feature.Classification.Action, feature.Classification.Package, cancellation);
            return new ChallengeWriter.WebFlowUrls(urls.Authorize(flowId), urls.Done(doneId));
        }
        catch (Resilience.DependencyUnavailableException)
        {
            return null; // the classic prompt still works
        }
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Second factor accepted ({Factor}) for {Action} of {Package} by user {User}")]
    private static partial void LogVerified(ILogger logger, string action, string? package, string user, string? factor);
}
