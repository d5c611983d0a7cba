using Gateway.Accounts;
using Gateway.Pipeline;
using Gateway.Resilience;
using Gateway.SecondFactor;

namespace Gateway.Identity;

/// <summary>
/// Stage 3½, logins of accounts with 2FA only: the password the login carries is checked against the
/// registry before the second factor. Without this, anyone could send logins naming an account with
/// wrong one-time passwords and lock its owner out, or open web flows in its name; with it, only a
/// holder of the password reaches the second-factor stage. Password attempts are regulated per account
/// like the web sign-in's, so this is no faster a password oracle than the registry's own login.
/// </summary>
internal sealed partial class LoginPasswordMiddleware(
    RequestDelegate next, PasswordChecker passwords, FailureRegulator regulator, ILogger<LoginPasswordMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.LoginPassword is { } password && feature.Caller is { } caller && feature.Mode.Requires(feature.Classification.Class)
            ? CheckAsync(context, caller, password)
            : next(context);
    }

    private async Task CheckAsync(HttpContext context, CallerIdentity caller, string password)
    {
        try
        {
            var (attempt, lockedFor) = await regulator.AttemptAsync(caller.Username, FailureRegulator.SignInScope,
                () => passwords.IsValidAsync(caller.Username, password, context.RequestAborted, context.Connection.RemoteIpAddress),
                context.RequestAborted);
            switch (attempt)
            {
                case FailureRegulator.AttemptOutcome.LockedOut:
                    var seconds = (int)Math.Ceiling(lockedFor!.Value.TotalSeconds);
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, $"Too many failed logins for this account; try again in {seconds} seconds.");
                    return;
                case FailureRegulator.AttemptOutcome.Failed:
                    LogWrongPassword(logger, caller.Username);
                    await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Incorrect username or password.");
                    return;
            }
        }
        catch (DependencyUnavailableException)
        {
            await GatewayResponses.WriteUnavailableAsync(context, "The 2FA gateway cannot check this login right now (its store or the registry is not answering). Try again shortly.");
            return;
        }

        await next(context);
    }

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Login of user {User} refused before its second factor: wrong password")]
    private static partial void LogWrongPassword(ILogger logger, string user);
}
