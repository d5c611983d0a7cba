using System.Diagnostics;
using Gateway.Configuration;
using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Http;
using Gateway.Identity;
using Gateway.TwoFactor;
using Gateway.WebAuthn;
using Microsoft.Extensions.Options;
using static Gateway.Browser.PageResults;

namespace Gateway.Browser;

/// <summary>
/// The web-login page (<c>loginUrl</c> of <c>POST /-/v1/login</c>): the password is checked by logging in
/// to the registry (which returns its token), then the second factor when the user has 2FA; the CLI
/// polling <c>doneUrl</c> then receives the registry's token. A login allows <c>Gateway:SignIn:GuessesPerFlow</c>
/// passwords, then ends; guesses are also slowed per client network, never per account (docs/SECURITY.md, "Password guessing").
/// </summary>
internal static partial class LoginPages
{
    /// <summary>The log category of these pages (a static class cannot be one).</summary>
    internal sealed class Log;

    public static RouteGroupBuilder MapWebLoginPages(this RouteGroupBuilder gateway)
    {
        gateway.MapGet("/login/{flowId}", ShowAsync);
        gateway.MapPost("/login/{flowId}", CheckPasswordAsync);
        gateway.MapPost("/login/{flowId}/second-factor", CheckSecondFactorAsync);
        return gateway;
    }

    private static async Task<IResult> ShowAsync(string flowId, HttpContext context, BrowserFlowStore flows)
    {
        var flow = await flows.GetAsync(flowId, context.RequestAborted);
        return flow is { Kind: FlowKind.Login, Completed: false } ? PasswordForm(flowId, null) : Finished(flow);
    }

    private static IResult PasswordForm(string flowId, string? error, int status = StatusCodes.Status200OK) =>
        Page<LoginPage>(new { FlowId = flowId, Error = error }, status);

    private static IResult SecondFactorForm(string flowId, bool hasKeys, string? error, int status = StatusCodes.Status200OK) =>
        Page<LoginSecondFactorPage>(new { FlowId = flowId, HasKeys = hasKeys, Error = error }, status);

    private static IResult Finished(BrowserFlow? flow) => flow is { Completed: true }
        ? Page<LoggedInPage>()
        : ErrorPage("Expired", "This login is unknown or has expired. Run npm login again.", StatusCodes.Status404NotFound);

    private static async Task<IResult> CheckPasswordAsync(
        string flowId, HttpContext context, IFormCollection form, BrowserFlowStore flows, UpstreamLogin upstream,
        TokenLedger tokens, [AsParameters] PasswordPageServices checks, IOptions<SignInOptions> options, AuditTrail audit, ILogger<Log> logger)
    {
        var arrived = Stopwatch.GetTimestamp();
        var (usernames, guesses, floor, modes, keys) = checks;
        var flow = await flows.GetAsync(flowId, context.RequestAborted);
        if (flow is not { Kind: FlowKind.Login, Completed: false })
        {
            return Finished(flow);
        }

        // Slowed per client network and per flow, never per account (docs/SECURITY.md, "Password guessing").
        var guess = await guesses.BeginAsync(context.Connection.RemoteIpAddress, context.RequestAborted);
        if (guess.RetryAfter is { } retryAfter)
        {
            GatewayResponses.SetRetryAfter(context, retryAfter);
            return PasswordForm(flowId, $"Too many wrong passwords from your network. Try again in {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds.", StatusCodes.Status429TooManyRequests);
        }

        var tried = await flows.CountPasswordGuessAsync(flowId, context.RequestAborted);
        var allowed = options.Value.GuessesPerFlow;
        if (tried == 0 || tried > allowed)
        {
            // Expired meanwhile, or a parallel post spent the flow's last guess.
            await flows.EndAsync(flowId, context.RequestAborted);
            return Finished(null);
        }

        string? token = null;
        if (usernames.TryCanonical(form["username"].ToString().Trim(), out var username))
        {
            token = await upstream.LoginAsync(username, form["password"].ToString(), context.RequestAborted);
        }

        if (token is null)
        {
            LogRefused(logger, username.Length > 0 ? username : "(not a username)", guess.Network, tried);
            if (tried >= allowed)
            {
                // The flow's last guess: it ends now; npm, polling it, stops with "expired" and must start again.
                await flows.EndAsync(flowId, context.RequestAborted);
            }

            await WrongPasswords.AnswerAsync(context, username, guess, floor, arrived, audit, WebLoginAction);
            return tried >= allowed
                ? ErrorPage("npm login", "Wrong username or password, too many times for this login. Run npm login again.", StatusCodes.Status401Unauthorized)
                : PasswordForm(flowId, "Wrong username or password.", StatusCodes.Status401Unauthorized);
        }

        await guesses.SucceededAsync(guess, context.RequestAborted);

        // Recorded before npm can collect it, as a couch login's token is (docs/SECURITY.md, "Tokens").
        await tokens.RecordAsync(tokens.LoginRecord(username), token!, context.RequestAborted);
        await flows.SetLoginUserAsync(flowId, username, token!, context.RequestAborted);
        if (await modes.GetModeAsync(username, context.RequestAborted) == TwoFactorMode.Disabled)
        {
            await flows.CompleteLoginAsync(flowId, context.RequestAborted);
            LogLoggedIn(logger, username, "password");
            await audit.RecordAsync(AuditEventTypes.SignedIn, username, "password", WebLoginAction, cancellation: context.RequestAborted);
            return Finished(flow with { Completed = true });
        }

        return SecondFactorForm(flowId, await keys.HasKeysAsync(username, context.RequestAborted), null);
    }

    private static async Task<IResult> CheckSecondFactorAsync(
        string flowId, HttpContext context, IFormCollection form, BrowserFlowStore flows, SecondFactorProof proof,
        SecurityKeys keys, AuditTrail audit, ILogger<Log> logger)
    {
        var flow = await flows.GetAsync(flowId, context.RequestAborted);
        if (flow is not { Kind: FlowKind.Login, PasswordChecked: true, User: { } user, Completed: false })
        {
            return Finished(flow);
        }

        var result = await proof.VerifyAsync(context, user, "web-login:" + flowId, form);
        if (result.Outcome != VerificationOutcome.Verified)
        {
            return SecondFactorForm(flowId, await keys.HasKeysAsync(user, context.RequestAborted), SecondFactorProof.Describe(result), StatusCodes.Status401Unauthorized);
        }

        await flows.CompleteLoginAsync(flowId, context.RequestAborted);
        LogLoggedIn(logger, user, result.Factor ?? "second factor");
        await audit.RecordAsync(AuditEventTypes.SignedIn, user, result.Factor ?? "second-factor", WebLoginAction, cancellation: context.RequestAborted);
        return Finished(flow with { Completed = true });
    }

    [LoggerMessage(EventId = LogEvents.WebLoginCompleted, Level = LogLevel.Information, Message = "Web login of user {User} completed ({Factor})")]
    private static partial void LogLoggedIn(ILogger logger, string user, string factor);

    /// <summary>The audit action of a web login for npm.</summary>
    private static readonly string WebLoginAction = Policy.NpmAction.WebLogin.Name;

    [LoggerMessage(EventId = LogEvents.WebLoginRefused, Level = LogLevel.Warning,
        Message = "Web login refused for user {User} from client network {Network}: wrong username or password (guess {Guess} of this login)")]
    private static partial void LogRefused(ILogger logger, string user, string network, long guess);
}
