using Gateway.Http;
using Gateway.TwoFactor;
using Gateway.WebAuthn;
using Microsoft.AspNetCore.Antiforgery;
using static Gateway.Browser.Html;

namespace Gateway.Browser;

/// <summary>
/// The web-OTP page (<c>authUrl</c>): shows what a waiting npm command wants to do (user, action,
/// package, method and target, and what the body says: <see cref="ApprovalDetails"/>) and accepts a security key, a TOTP or a recovery code. On success the CLI,
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

    private static async Task<IResult> ShowAsync(string flowId, HttpContext context, IAntiforgery antiforgery, BrowserFlowStore flows, SecurityKeys keys)
    {
        var flow = await flows.GetAsync(flowId, context.RequestAborted);
        return flow is { Kind: FlowKind.Otp, User: { } user }
            ? flow.Completed ? Done(context) : Form(context, antiforgery, flow, await keys.HasKeysAsync(user, context.RequestAborted), null)
            : Expired(context);
    }

    private static IResult Form(HttpContext context, IAntiforgery antiforgery, BrowserFlow flow, bool hasKeys, string? error, int status = 200) =>
        Page(context, "Authorize an npm command", $"""
            <section id="request">
            <p><strong id="flow-user">{E(flow.User)}</strong> is running <strong id="flow-action">{E(flow.Action)}</strong>{(flow.Package is null ? "" : $""" of <strong id="flow-package">{E(flow.Package)}</strong>""")}.</p>
            <p>Request: <code id="flow-method">{E(flow.Request?.Method)}</code> <code id="flow-target">{E(flow.Request?.Target)}</code></p>
            {ApprovalDetails.Render(flow)}
            <p>Approve only if you started this command just now. The approval is good for this one request with exactly this body (and the few requests that finish the same npm command).</p>
            </section>
            <form method="post" action="{E(GatewayUrls.Authorize(flow.Id))}" id="authorize">
            {Error(error)}
            {Antiforgery(antiforgery.GetAndStoreTokens(context).RequestToken!)}
            {SecondFactorFields(hasKeys, "flow:" + flow.Id)}
            <button type="submit">Approve</button>
            </form>
            """, status);

    private static IResult Done(HttpContext context) =>
        Page(context, "Approved", """<p id="approved">Approved. You can close this window; the npm command continues by itself.</p>""");

    private static IResult Expired(HttpContext context) =>
        Page(context, "Expired", Error("This request is unknown or has expired. Run the npm command again."), 404);

    private static async Task<IResult> ApproveAsync(
        string flowId, HttpContext context, IFormCollection form, IAntiforgery antiforgery, BrowserFlowStore flows, SecurityKeys keys,
        SecondFactorProof proof, WebOtpTokens tokens, ILogger<Log> logger)
    {
        var flow = await flows.GetAsync(flowId, context.RequestAborted);
        if (flow is not { Kind: FlowKind.Otp, User: { } user, Action: { } action, CredentialId: { } credential, Request.BodySha256: not null, Completed: false })
        {
            return flow is { Completed: true } ? Done(context) : Expired(context);
        }

        // A code is bound to the credential whose request opened the flow, as on the command line: the same code
        // approves every page one command opens (a workspace publish) and follows an --otp run of that credential
        // (docs/PROTOCOL.md#23-retries); another credential's page refuses it as a replay.
        var result = await proof.VerifyAsync(context, user, credential, form);
        if (result.Outcome != VerificationOutcome.Verified)
        {
            LogRefused(logger, result.Outcome, user, action);
            return Form(context, antiforgery, flow, await keys.HasKeysAsync(user, context.RequestAborted), SecondFactorProof.Describe(result), 401);
        }

        await flows.CompleteAsync(flowId, await tokens.IssueAsync(flow, context.RequestAborted), context.RequestAborted);
        LogApproved(logger, user, action, flow.Package, result.Factor);
        return Done(context);
    }

    [LoggerMessage(EventId = 620, Level = LogLevel.Information, Message = "Web-OTP approved ({Factor}) for user {User}: {Action} of {Package}")]
    private static partial void LogApproved(ILogger logger, string user, string action, string? package, string? factor);

    [LoggerMessage(EventId = 621, Level = LogLevel.Warning, Message = "Web-OTP approval refused ({Outcome}) for user {User}: {Action}")]
    private static partial void LogRefused(ILogger logger, VerificationOutcome outcome, string user, string action);
}
