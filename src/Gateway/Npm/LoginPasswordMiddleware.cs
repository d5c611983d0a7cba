using Gateway.Accounts;
using Gateway.Identity;

namespace Gateway.Npm;

/// <summary>
/// Stage 3½, logins of accounts with 2FA only: the password the login carries is checked against the
/// registry before the second factor. Without this, anyone could send logins naming an account with
/// wrong one-time passwords and lock its owner out, or open web flows in its name; with it, only a
/// holder of the password reaches the second-factor stage. Wrong passwords are not counted against the
/// account (that would hand anyone a way to lock its owner out) but against the client's network, by
/// <see cref="LoginGuessMiddleware"/>, which also holds every wrong-password answer to a floor; the answer itself
/// is the registry's own wording (<see cref="RegistryLoginRefusal"/>), the same as for an account without 2FA.
/// </summary>
internal sealed partial class LoginPasswordMiddleware(RequestDelegate next, PasswordChecker passwords, ILogger<LoginPasswordMiddleware> logger)
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
        if (!await passwords.IsValidAsync(caller.Username, password, context.RequestAborted, context.Connection.RemoteIpAddress))
        {
            LogWrongPassword(logger, caller.Username);
            // Never forwarded (that would let the registry's judgement of the password replace the second factor), and
            // answered in the registry's own words, so the answer does not tell who has 2FA.
            await RegistryLoginRefusal.WriteAsync(context, context.GatewayFeature().Classification.SideDoor, password);
            return;
        }

        await next(context);
    }

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Login of user {User} refused before its second factor: wrong password")]
    private static partial void LogWrongPassword(ILogger logger, string user);
}
