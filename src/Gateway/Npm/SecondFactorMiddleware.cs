using Gateway.Accounts;
using Gateway.Http;
using Gateway.Identity;
using Gateway.TwoFactor;

namespace Gateway.Npm;

/// <summary>
/// Stage 4: when stage 3b found a second factor required (the caller's mode, a package rule), checks the
/// <c>npm-otp</c> header; forwards on success, otherwise answers the challenge (or 429). A store that cannot
/// answer throws through to <see cref="Errors.DependencyFailureHandler"/> (503): nothing is forwarded.
/// In report-only mode (<c>Gateway:Enforcement</c>) a request without a code is forwarded and recorded as
/// "would challenge"; a code that is sent is still judged (<see cref="SecondFactorDecisions"/>). A request without a caller
/// never passes this stage.
/// </summary>
internal sealed partial class SecondFactorMiddleware(
    RequestDelegate next,
    SecondFactorVerifier verifier,
    ChallengeWriter writer,
    BrowserFlowStore flows,
    BrowserFlowUrls urls,
    FlowCreationLimits limits,
    SecondFactorDecisions decisions,
    ApprovalBodies bodies,
    ILogger<SecondFactorMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        // Stage 2 answers every protected request it cannot attribute (anonymous: 401, refused: 401); one without
        // a caller here is refused the same way rather than forwarded (fail closed), whatever changed upstream.
        return feature.Caller is not { } caller ? AnonymousRefusal.WriteAsync(context, feature, decisions, logger)
            : feature.SecondFactorRequired ? VerifyAsync(context, feature, caller)
            : PassAsync(context, feature);
    }

    /// <summary>No second factor needed (the mode does not cover the class, or a bypass-2FA token): recorded, then forwarded.</summary>
    private async Task PassAsync(HttpContext context, GatewayRequestFeature feature)
    {
        await decisions.PassedAsync(feature, context.RequestAborted);
        await next(context);
    }

    private async Task VerifyAsync(HttpContext context, GatewayRequestFeature feature, CallerIdentity caller)
    {
        var otp = context.Request.Headers["npm-otp"].ToString();
        var target = new RequestTarget(context.Request.Method, feature.RawTarget, context.Request.ContentLength);
        if (WebOtpTokens.LooksLikeToken(otp.Trim()))
        {
            // An approval is good for the exact bytes approved: read (and buffer) the body the proxy will forward.
            if (await bodies.ReadAsync(context, summarise: false) is not { } body)
            {
                return;
            }

            target = target with { BodySha256 = body.Sha256 };
        }

        var request = new ProtectedRequest(feature.Classification, target);
        var result = await verifier.VerifyAsync(caller, otp, request, context.RequestAborted);
        if (result.Outcome == VerificationOutcome.Missing && decisions.ForwardsWithoutCode(feature))
        {
            await decisions.WouldChallengeAsync(feature, context.RequestAborted);
            LogWouldChallenge(logger, feature.Classification.Action, feature.Classification.Package, caller.Username);
            await next(context);
            return;
        }

        if (result.Outcome != VerificationOutcome.Verified)
        {
            var (answered, webFlow) = result.Outcome == VerificationOutcome.Missing && WantsWebAuth(context.Request)
                ? await StartWebFlowAsync(context, request, caller)
                : (false, null);
            if (!answered)
            {
                await writer.WriteAsync(context, result, webFlow);
            }
            return;
        }

        feature.SecondFactor = result.Factor;
        await decisions.AllowedAsync(feature, result.Factor, context.RequestAborted);
        LogVerified(logger, feature.Classification.Action, feature.Classification.Package, caller.Username, result.Factor);
        await next(context);
    }

    /// <summary>npm ≥ 9 and pnpm ≥ 11 send <c>npm-auth-type: web</c>; yarn and <c>--otp</c> runs get the classic challenge.</summary>
    private static bool WantsWebAuth(HttpRequest request) =>
        string.Equals(request.Headers["npm-auth-type"].ToString(), "web", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens a web-OTP flow for the challenged request, recording the credential that made it, the request
    /// itself with its body's SHA-256 (the approval is for those bytes alone) and what the page shows of the
    /// body. Only for a resolved caller (this stage has one), and at most
    /// <see cref="FlowCreationLimits.MaxOpenWebOtpFlows"/> per credential per flow lifetime: beyond that the
    /// classic challenge, so a code still works and nothing is written (nor read).
    /// </summary>
    /// <returns>Answered: the body was refused (413, 408) and the response written; otherwise the flow's URLs, if one was opened.</returns>
    private async Task<(bool Answered, ChallengeWriter.WebFlowUrls? Urls)> StartWebFlowAsync(HttpContext context, ProtectedRequest request, CallerIdentity caller)
    {
        var cancellation = context.RequestAborted;
        try
        {
            if (!await limits.TryOpenWebOtpFlowAsync(caller.CredentialId, cancellation))
            {
                LogWebFlowLimited(logger, caller.Username, request.Classification.Action);
                return (false, null);
            }

            if (await bodies.ReadAsync(context, summarise: true) is not { } body)
            {
                return (true, null);
            }

            var (flowId, doneId) = await flows.CreateAsync(FlowKind.Otp, caller.Username, request.Classification.Action, request.Classification.Package,
                cancellation, caller.CredentialId, request.Target with { ContentLength = body.Length, BodySha256 = body.Sha256 }, body.Summary);
            return (false, new ChallengeWriter.WebFlowUrls(urls.Authorize(flowId), urls.Done(doneId)));
        }
        catch (Resilience.DependencyUnavailableException)
        {
            return (false, null); // not an error to answer: the classic prompt still works, and the code check needs the store anyway
        }
    }

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Report-only: {Action} of {Package} by user {User} forwarded without a second factor (would challenge)")]
    private static partial void LogWouldChallenge(ILogger logger, string action, string? package, string user);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Web-OTP flow not opened for {Action} by user {User}: this credential has too many open flows")]
    private static partial void LogWebFlowLimited(ILogger logger, string user, string action);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Second factor accepted ({Factor}) for {Action} of {Package} by user {User}")]
    private static partial void LogVerified(ILogger logger, string action, string? package, string user, string? factor);
}
