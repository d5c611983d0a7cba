using System.Diagnostics;
using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Http;
using Gateway.Identity;
using Gateway.TwoFactor;
using Gateway.WebAuthn;
using static Gateway.Browser.PageResults;

namespace Gateway.Browser;

/// <summary>
/// Sign in to the account pages with the registry username and password (checked against the registry),
/// then the second factor when the user has 2FA. Wrong passwords are slowed per client network, never per account,
/// and answered no sooner than a floor (docs/SECURITY.md, "Password guessing"); codes are regulated per account.
/// </summary>
internal static partial class SignInPages
{
    /// <summary>The log category of these pages (a static class cannot be one).</summary>
    internal sealed class Log;

    public static RouteGroupBuilder MapSignIn(this RouteGroupBuilder gateway)
    {
        gateway.MapGet("/", () => RedirectTo(GatewayUrls.Account));
        gateway.MapGet("/sign-in", () => PasswordForm(null));
        gateway.MapPost("/sign-in", CheckPasswordAsync);
        gateway.MapPost("/sign-in/{pendingId}", CheckSecondFactorAsync);
        // The form parameter makes the endpoint require a valid antiforgery token, like every form post here.
        gateway.MapPost("/sign-out", async (HttpContext context, IFormCollection form) =>
        {
            await GatewaySession.SignOutAsync(context);
            return RedirectTo(GatewayUrls.SignIn);
        });
        return gateway;
    }

    private static IResult PasswordForm(string? error, int status = StatusCodes.Status200OK) => Page<SignInPage>(new { Error = error }, status);

    private static async Task<IResult> CheckPasswordAsync(
        HttpContext context, IFormCollection form, PasswordChecker passwords, BrowserFlowStore flows, StepUp stepUp,
        [AsParameters] PasswordPageServices checks, AuditTrail audit, ILogger<Log> logger)
    {
        var arrived = Stopwatch.GetTimestamp();
        var (usernames, guesses, floor, modes, keys) = checks;
        // Counted against the client's network, never the account: a stranger cannot lock its owner out (docs/SECURITY.md, "Password guessing").
        var guess = await guesses.BeginAsync(context.Connection.RemoteIpAddress, context.RequestAborted);
        if (guess.RetryAfter is { } retryAfter)
        {
            GatewayResponses.SetRetryAfter(context, retryAfter);
            return PasswordForm($"Too many wrong passwords from your network. Try again in {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds.", StatusCodes.Status429TooManyRequests);
        }

        var password = form["password"].ToString();
        if (!usernames.TryCanonical(form["username"].ToString().Trim(), out var username)
            || !await passwords.IsValidAsync(username, password, context.RequestAborted))
        {
            LogSignInRefused(logger, username.Length > 0 ? username : "(not a username)", guess.Network);
            await WrongPasswords.AnswerAsync(context, username, guess, floor, arrived, audit, AccountAction);
            return PasswordForm("Wrong username or password.", StatusCodes.Status401Unauthorized);
        }

        await guesses.SucceededAsync(guess, context.RequestAborted);
        if (await modes.GetModeAsync(username, context.RequestAborted) == TwoFactorMode.Disabled)
        {
            await GatewaySession.SignInAsync(context, username, StepUpStrength.Password, stepUp.Now);
            await audit.RecordAsync(AuditEventTypes.SignedIn, username, "password", AccountAction, cancellation: context.RequestAborted);
            return RedirectTo(GatewayUrls.Account);
        }

        var (pendingId, _) = await flows.CreateAsync(FlowKind.SignIn, username, "sign-in", null, context.RequestAborted);
        return SecondFactorForm(pendingId, await keys.HasKeysAsync(username, context.RequestAborted), null);
    }

    private static IResult SecondFactorForm(string pendingId, bool hasKeys, string? error, int status = StatusCodes.Status200OK) =>
        Page<SignInSecondFactorPage>(new { PendingId = pendingId, HasKeys = hasKeys, Error = error }, status);

    private static async Task<IResult> CheckSecondFactorAsync(
        string pendingId, HttpContext context, IFormCollection form, BrowserFlowStore flows, SecondFactorProof proof, SecurityKeys keys,
        StepUp stepUp, AuditTrail audit)
    {
        var pending = await flows.GetAsync(pendingId, context.RequestAborted);
        if (pending is not { Kind: FlowKind.SignIn, User: { } username })
        {
            return PasswordForm("That sign-in has expired. Start again.", StatusCodes.Status400BadRequest);
        }

        var result = await proof.VerifyAsync(context, username, "web-sign-in:" + pendingId, form);
        if (result.Outcome != VerificationOutcome.Verified)
        {
            return SecondFactorForm(pendingId, await keys.HasKeysAsync(username, context.RequestAborted), SecondFactorProof.Describe(result), StatusCodes.Status401Unauthorized);
        }

        await GatewaySession.SignInAsync(context, username, StepUpStrength.SecondFactor, stepUp.Now);
        await audit.RecordAsync(AuditEventTypes.SignedIn, username, result.Factor ?? "second-factor", AccountAction, cancellation: context.RequestAborted);
        return RedirectTo(GatewayUrls.Account);
    }

    /// <summary>The audit action of a sign-in to the account pages.</summary>
    private const string AccountAction = "account";

    [LoggerMessage(EventId = LogEvents.PageSignInRefused, Level = LogLevel.Warning, Message = "Web sign-in refused for user {User} from client network {Network}: wrong password")]
    private static partial void LogSignInRefused(ILogger logger, string user, string network);
}
