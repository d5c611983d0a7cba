using Gateway.Http;
using Gateway.Identity;
using Gateway.TwoFactor;

namespace Gateway.Npm;

/// <summary>
/// Stage 4, the one enforcement point: carries out the decision stage 3 made (<see cref="GatewayRequestFeature.Decision"/>).
/// A refusal is answered; a login of an account with 2FA has its password checked at the registry first; a needed
/// second factor is checked in <c>npm-otp</c> (a code, or a web approval bound to the exact body), or challenged — with
/// a web flow for clients that ask for one. What passes goes on to the registry, or to the gateway's own endpoint for
/// the action (<see cref="NpmEndpointTable"/>), which then runs behind the same decision. A store that cannot answer
/// throws through to the one error handler (503): nothing is forwarded.
/// </summary>
internal sealed partial class EnforcementMiddleware(
    RequestDelegate next,
    SecondFactorVerifier verifier,
    PasswordChecker passwords,
    ChallengeWriter writer,
    BrowserFlowStore flows,
    BrowserFlowUrls urls,
    FlowCreationLimits limits,
    DecisionAudit audit,
    ApprovalBodies bodies,
    NpmEndpointTable endpoints,
    ILogger<EnforcementMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        var decision = feature.Decision;
        if (decision.Kind == DecisionKind.Refuse)
        {
            return RefuseAsync(context, feature, decision.Refusal!);
        }

        if (feature.Caller is not { } caller)
        {
            // Class none, and the web login: nothing to verify. A protected request without a caller was refused by the
            // decision; should one ever get here, it is refused like an anonymous one, never forwarded (fail closed).
            return RequestDecider.NeedsCaller(feature.Classification)
                ? AnonymousRefusal.WriteAsync(context, feature, audit, logger)
                : AllowAsync(context, feature);
        }

        return decision.CheckLoginPassword ? CheckPasswordAsync(context, feature, caller) : EnforceAsync(context, feature, caller);
    }

    private Task EnforceAsync(HttpContext context, GatewayRequestFeature feature, CallerIdentity caller) =>
        feature.Decision.Kind == DecisionKind.SecondFactor ? VerifyAsync(context, feature, caller) : PassAsync(context, feature);

    private async Task RefuseAsync(HttpContext context, GatewayRequestFeature feature, Refusal refusal)
    {
        var request = feature.Classification;
        switch (refusal.Reason)
        {
            case RefusalReason.Anonymous:
                // Counted, not audited: anonymous noise must not push account events out of the shared trail.
                await AnonymousRefusal.WriteAsync(context, feature, RequestDecider.NeedsCaller(request) ? audit : null, logger);
                return;
            case RefusalReason.TokenOrPackageRules or RefusalReason.TrustedPublisher:
                LogRefusedByRules(logger, request.Action.Name, request.Package, feature.Caller?.Username, refusal.Message);
                await audit.RefusedByRulesAsync(feature, context.RequestAborted);
                break;
            case RefusalReason.CredentialUnknown or RefusalReason.SideDoor:
                LogRefused(logger, context.Request.Method, Policy.SafePath.For(feature.Path), request.Action.Name, refusal.Status, refusal.Message);
                break;
        }

        await GatewayResponses.WriteErrorAsync(context, refusal.Status, refusal.Message);
    }

    /// <summary>
    /// Logins of accounts with 2FA: without this, anyone could send logins naming an account with wrong one-time passwords
    /// and lock its owner out, or open web flows in its name; with it, only a holder of the password reaches the second
    /// factor. Wrong passwords are counted against the client's network (<see cref="LoginGuessMiddleware"/>), never the
    /// account, and answered in the registry's own words (<see cref="RegistryLoginRefusal"/>), so the answer does not tell who has 2FA.
    /// </summary>
    private async Task CheckPasswordAsync(HttpContext context, GatewayRequestFeature feature, CallerIdentity caller)
    {
        var proof = await passwords.ProveAsync(caller.Username, feature.LoginPassword!, context.RequestAborted, context.Connection.RemoteIpAddress);
        if (!proof.Valid)
        {
            LogWrongPassword(logger, caller.Username);
            // Never forwarded: that would let the registry's judgement of the password replace the second factor.
            await RegistryLoginRefusal.WriteAsync(context, feature.Classification.SideDoor, feature.LoginPassword!, proof.RegistryChallenge);
            return;
        }

        await EnforceAsync(context, feature, caller);
    }

    /// <summary>No second factor needed (the mode does not cover the class, or a bypass-2FA token): recorded, then allowed.</summary>
    private async Task PassAsync(HttpContext context, GatewayRequestFeature feature)
    {
        if (feature.Decision.WouldChallenge)
        {
            await audit.WouldChallengeAsync(feature, context.RequestAborted);
        }
        else
        {
            await audit.PassedAsync(feature, context.RequestAborted);
        }

        await AllowAsync(context, feature);
    }

    private async Task VerifyAsync(HttpContext context, GatewayRequestFeature feature, CallerIdentity caller)
    {
        var otp = context.Request.Headers["npm-otp"].ToString();
        var target = new RequestTarget(context.Request.Method, feature.RawTarget, context.Request.ContentLength);
        if (WebOtpTokens.LooksLikeToken(otp.Trim()))
        {
            // An approval is good for the exact bytes approved: read (and buffer) the body that goes on.
            if (await bodies.ReadAsync(context, summarise: false) is not { } body)
            {
                return;
            }

            target = target with { BodySha256 = body.Sha256 };
        }

        var request = new ProtectedRequest(feature.Classification, target);
        var result = await verifier.VerifyAsync(caller, otp, request, context.RequestAborted);
        if (result.Outcome == VerificationOutcome.Missing && feature.Decision.ReportOnly)
        {
            await audit.WouldChallengeAsync(feature, context.RequestAborted);
            LogWouldChallenge(logger, feature.Classification.Action.Name, feature.Classification.Package, caller.Username);
            await AllowAsync(context, feature);
            return;
        }

        if (result.Outcome != VerificationOutcome.Verified)
        {
            var (answered, webFlow) = result.Outcome == VerificationOutcome.Missing && feature.Decision.Accepts == AcceptedFactors.CodeOrWebApproval
                && WantsWebAuth(context.Request)
                ? await StartWebFlowAsync(context, request, caller)
                : (false, null);
            if (!answered)
            {
                await writer.WriteAsync(context, result, webFlow);
            }

            return;
        }

        feature.Verified(result.Factor);
        await audit.AllowedAsync(feature, result.Factor, context.RequestAborted);
        LogVerified(logger, feature.Classification.Action.Name, feature.Classification.Package, caller.Username, result.Factor);
        await AllowAsync(context, feature);
    }

    /// <summary>On to the registry (the routed proxy endpoint), or to the gateway's own endpoint for the action.</summary>
    private Task AllowAsync(HttpContext context, GatewayRequestFeature feature)
    {
        if (endpoints.Find(feature.Classification.Action) is { } endpoint)
        {
            feature.RegistryRoute = context.GetEndpoint();
            context.SetEndpoint(endpoint);
        }

        return next(context);
    }

    /// <summary>npm ≥ 9 and pnpm ≥ 11 send <c>npm-auth-type: web</c>; yarn and <c>--otp</c> runs get the classic challenge.</summary>
    private static bool WantsWebAuth(HttpRequest request) =>
        string.Equals(request.Headers["npm-auth-type"].ToString(), "web", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens a web-OTP flow for the challenged request, recording the credential that made it, the request
    /// itself with its body's SHA-256 (the approval is for those bytes alone) and what the page shows of the
    /// body. At most <see cref="FlowCreationLimits.MaxOpenWebOtpFlows"/> per credential per flow lifetime: beyond that the
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
                LogWebFlowLimited(logger, caller.Username, request.Classification.Action.Name);
                return (false, null);
            }

            if (await bodies.ReadAsync(context, summarise: true) is not { } body)
            {
                return (true, null);
            }

            var (flowId, doneId) = await flows.CreateAsync(FlowKind.Otp, caller.Username, request.Classification.Action.Name, request.Classification.Package,
                cancellation, caller.CredentialId, request.Target with { ContentLength = body.Length, BodySha256 = body.Sha256 }, body.Summary);
            return (false, new ChallengeWriter.WebFlowUrls(urls.Authorize(flowId), urls.Done(doneId)));
        }
        catch (Resilience.DependencyUnavailableException)
        {
            return (false, null); // not an error to answer: the classic prompt still works, and the code check needs the store anyway
        }
    }

    [LoggerMessage(EventId = LogEvents.IdentityRefused, Level = LogLevel.Warning, Message = "{Method} {Path} ({Action}) refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string action, int status, string reason);

    [LoggerMessage(EventId = LogEvents.LoginWrongPassword, Level = LogLevel.Warning, Message = "Login of user {User} refused before its second factor: wrong password")]
    private static partial void LogWrongPassword(ILogger logger, string user);

    [LoggerMessage(EventId = LogEvents.RefusedByTokenOrPackageRules, Level = LogLevel.Warning, Message = "{Action} of {Package} by user {User} refused by token or package rules: {Reason}")]
    private static partial void LogRefusedByRules(ILogger logger, string action, string? package, string? user, string reason);

    [LoggerMessage(EventId = LogEvents.ReportOnlyWouldChallenge, Level = LogLevel.Warning, Message = "Report-only: {Action} of {Package} by user {User} forwarded without a second factor (would challenge)")]
    private static partial void LogWouldChallenge(ILogger logger, string action, string? package, string user);

    [LoggerMessage(EventId = LogEvents.WebOtpFlowLimited, Level = LogLevel.Warning, Message = "Web-OTP flow not opened for {Action} by user {User}: this credential has too many open flows")]
    private static partial void LogWebFlowLimited(ILogger logger, string user, string action);

    [LoggerMessage(EventId = LogEvents.SecondFactorAccepted, Level = LogLevel.Information, Message = "Second factor accepted ({Factor}) for {Action} of {Package} by user {User}")]
    private static partial void LogVerified(ILogger logger, string action, string? package, string user, string? factor);
}
