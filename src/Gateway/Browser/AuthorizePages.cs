using Gateway.TwoFactor;
using Gateway.WebAuthn;
using static Gateway.Browser.PageResults;

namespace Gateway.Browser;

/// <summary>
/// The web-OTP page (<c>authUrl</c>): shows what a waiting npm command wants to do (user, action,
/// package, method and target, and what the body says: <c>Pages/Authorize/</c>) and accepts a security key, a TOTP or a recovery code. On success the CLI,
/// polling <c>doneUrl</c>, receives a token good for that one request, once, and its follow-ups
/// (<see cref="WebOtpTokens"/>).
/// </summary>
internal static partial class AuthorizePages
{
    /// <summary>The log category of these pages (a static class cannot be one).</summary>
    internal sealed class Log;

    public static RouteGroupBuilder MapAuthorize(this RouteGroupBuilder gateway)
    {
        gateway.MapGet("/authorize/{flowId}", ShowAsync);
        gateway.MapPost("/authorize/{flowId}", ApproveAsync);
        return gateway;
    }

    private static async Task<IResult> ShowAsync(string flowId, HttpContext context, BrowserFlowStore flows, SecurityKeys keys)
    {
        var flow = await flows.GetAsync(flowId, context.RequestAborted);
        return flow is { Kind: FlowKind.Otp, User: { } user }
            ? flow.Completed ? Done() : Form(flow, await keys.HasKeysAsync(user, context.RequestAborted), null)
            : Expired();
    }

    private static IResult Form(BrowserFlow flow, bool hasKeys, string? error, int status = StatusCodes.Status200OK) =>
        Page<AuthorizePage>(new { Flow = flow, HasKeys = hasKeys, Error = error }, status);

    private static IResult Done() => Page<ApprovedPage>();

    private static IResult Expired() =>
        ErrorPage("Expired", "This request is unknown or has expired. Run the npm command again.", StatusCodes.Status404NotFound);

    private static async Task<IResult> ApproveAsync(
        string flowId, HttpContext context, IFormCollection form, BrowserFlowStore flows, SecurityKeys keys,
        SecondFactorProof proof, WebOtpTokens tokens, ILogger<Log> logger)
    {
        var flow = await flows.GetAsync(flowId, context.RequestAborted);
        if (flow is not { Kind: FlowKind.Otp, User: { } user, Action: { } action, CredentialId: { } credential, Request.BodySha256: not null, Completed: false })
        {
            return flow is { Completed: true } ? Done() : Expired();
        }

        // A code is bound to the credential whose request opened the flow, as on the command line: the same code
        // approves every page one command opens (a workspace publish) and follows an --otp run of that credential
        // (docs/PROTOCOL.md#23-retries); another credential's page refuses it as a replay.
        var result = await proof.VerifyAsync(context, user, credential, form);
        if (result.Outcome != VerificationOutcome.Verified)
        {
            LogRefused(logger, result.Outcome, user, action);
            return Form(flow, await keys.HasKeysAsync(user, context.RequestAborted), SecondFactorProof.Describe(result), StatusCodes.Status401Unauthorized);
        }

        await flows.CompleteAsync(flowId, await tokens.IssueAsync(flow, context.RequestAborted), context.RequestAborted);
        LogApproved(logger, user, action, flow.Package, result.Factor);
        return Done();
    }

    [LoggerMessage(EventId = LogEvents.WebOtpApproved, Level = LogLevel.Information, Message = "Web-OTP approved ({Factor}) for user {User}: {Action} of {Package}")]
    private static partial void LogApproved(ILogger logger, string user, string action, string? package, string? factor);

    [LoggerMessage(EventId = LogEvents.WebOtpApprovalRefused, Level = LogLevel.Warning, Message = "Web-OTP approval refused ({Outcome}) for user {User}: {Action}")]
    private static partial void LogRefused(ILogger logger, VerificationOutcome outcome, string user, string action);
}
