using Gateway.Http;
using Gateway.TwoFactor;

namespace Gateway.Npm;

/// <summary>
/// The one place a verification outcome becomes a response. Clients get npm's uniform wording (a wrong
/// code and a replayed one look the same); the log gets the exact reason, never the code.
/// </summary>
internal sealed partial class ChallengeWriter(ILogger<ChallengeWriter> logger, DecisionAudit decisions)
{
    /// <summary>npm's registry wording; npm, pnpm and yarn all recognise "one-time pass" (docs/PROTOCOL.md#21-what-each-client-recognises).</summary>
    public const string OtpRequiredMessage = "You must provide a one-time pass. Upgrade your client to npm@latest in order to use 2FA.";

    /// <summary>
    /// For the registry's own endpoints outside npm's protocol (its web-UI login): they cannot send a code,
    /// so the user is pointed at what can. No <c>WWW-Authenticate: otp</c>: there is nothing to prompt for.
    /// </summary>
    public const string SideDoorMessage =
        "This account has two-factor authentication, and this registry endpoint cannot ask for a one-time password. Sign in with npm login, or on the 2FA gateway's pages at -/gateway/ under this registry's URL.";

    public Task WriteAsync(HttpContext context, VerificationResult result) => WriteAsync(context, result, webFlow: null);

    /// <param name="webFlow">For clients that asked for web authentication: the page to approve the request on and the URL to poll.</param>
    public async Task WriteAsync(HttpContext context, VerificationResult result, WebFlowUrls? webFlow)
    {
        var feature = context.GatewayFeature();
        var classification = feature.Classification;
        LogRefused(logger, result.Outcome, context.Request.Method, classification.Action.Name, classification.Package, feature.Caller?.Username, result.RetryAfter?.TotalSeconds);
        await RecordAsync(context, feature, result.Outcome, webFlow);

        await (result.Outcome switch
        {
            VerificationOutcome.Missing when classification.SideDoor => GatewayResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, SideDoorMessage),
            VerificationOutcome.Missing => ChallengeAsync(context, "npm-2fa-gateway: this action needs a one-time password from your authenticator app, or a recovery code", webFlow),
            VerificationOutcome.LockedOut => LockedOutAsync(context, result.RetryAfter ?? TimeSpan.FromSeconds(30)),
            // Invalid, Replayed, and a failure that just started a lock-out: the same words, so a valid-but-replayed code is not revealed.
            _ => ChallengeAsync(context, "npm-2fa-gateway: the one-time password was not accepted; use a fresh code from your authenticator app", webFlow: null),
        });
    }

    /// <summary>A challenge is audited here, where it is answered; a refused code was audited where it was judged.</summary>
    private ValueTask RecordAsync(HttpContext context, GatewayRequestFeature feature, VerificationOutcome outcome, WebFlowUrls? webFlow)
    {
        switch (outcome)
        {
            case VerificationOutcome.Missing:
                return decisions.ChallengedAsync(feature, feature.Classification.SideDoor ? "side-door" : webFlow is null ? "otp" : "web", context.RequestAborted);
            case VerificationOutcome.LockedOut:
                decisions.Refused(feature, "locked");
                return ValueTask.CompletedTask;
            default:
                decisions.Refused(feature, "refused");
                return ValueTask.CompletedTask;
        }
    }

    /// <summary>401 + <c>WWW-Authenticate: otp</c> (lower case, no parameters) + a body with "one-time pass": every client prompts.</summary>
    private static Task ChallengeAsync(HttpContext context, string notice, WebFlowUrls? webFlow)
    {
        context.Response.Headers.WWWAuthenticate = "otp";
        context.Response.Headers["npm-notice"] = notice;
        // npm ≥ 8.15 and pnpm ≥ 11 open authUrl and poll doneUrl when both are present (docs/PROTOCOL.md#41-web-otp).
        var urls = webFlow is null ? null : new Dictionary<string, string> { ["authUrl"] = webFlow.AuthUrl, ["doneUrl"] = webFlow.DoneUrl };
        return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, OtpRequiredMessage, urls);
    }

    private static Task LockedOutAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        return GatewayResponses.WriteRetryLaterAsync(context, StatusCodes.Status429TooManyRequests, retryAfter,
            $"Too many failed one-time passwords for this account. Two-factor authentication is locked for {seconds} seconds; try again after that.");
    }

    /// <summary>The two URLs of a web-OTP flow.</summary>
    public sealed record WebFlowUrls(string AuthUrl, string DoneUrl);

    [LoggerMessage(EventId = LogEvents.SecondFactorRefused, Level = LogLevel.Warning, Message = "Second factor refused ({Outcome}) for {Method} {Action} of {Package} by user {User}; retry after {RetryAfterSeconds} s")]
    private static partial void LogRefused(ILogger logger, VerificationOutcome outcome, string method, string action, string? package, string? user, double? retryAfterSeconds);
}
