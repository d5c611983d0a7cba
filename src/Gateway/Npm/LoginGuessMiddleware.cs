using System.Diagnostics;
using Gateway.Http;
using Gateway.TwoFactor;

namespace Gateway.Npm;

/// <summary>
/// First of the protected stages, logins only (a rule with an <c>account</c>: couch logins, the registry's web-UI
/// login): every password login is counted against the client's network before anything else, whatever the
/// account, and refused with 429 + <c>Retry-After</c> while that network backs off — so it never reaches the
/// registry, whose own per-address limit sees only the gateway's address and is shared by every user.
/// A wrong password — the gateway's answer for an account with 2FA (<see cref="LoginPasswordMiddleware"/>) or the
/// registry's for one without — keeps its count and is answered no sooner than the floor; any other answer takes
/// the count back (docs/SECURITY.md, "Password guessing").
/// </summary>
internal sealed class LoginGuessMiddleware(RequestDelegate next, PasswordGuesses guesses, WrongPasswordFloor floor)
{
    public Task InvokeAsync(HttpContext context) =>
        context.GatewayFeature().Classification.AccountKey is null ? next(context) : GuardAsync(context);

    private async Task GuardAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var guess = await guesses.BeginAsync(context.Connection.RemoteIpAddress, context.RequestAborted);
        if (guess.RetryAfter is { } retryAfter)
        {
            await GatewayResponses.WriteRetryLaterAsync(context, StatusCodes.Status429TooManyRequests, retryAfter,
                $"Too many wrong passwords from your network. Try again in {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds.");
            return;
        }

        // Before the first byte of the answer, the gateway's or the registry's (forwarded by YARP).
        context.Response.OnStarting(() => IsWrongPassword(context.Response) ? floor.WaitAsync(arrived, CancellationToken.None) : Task.CompletedTask);
        await next(context);
        if (!IsWrongPassword(context.Response))
        {
            await guesses.SucceededAsync(guess, CancellationToken.None);
        }
    }

    /// <summary>A 401 that is not a second-factor challenge (those carry <c>WWW-Authenticate: otp</c>, docs/PROTOCOL.md).</summary>
    private static bool IsWrongPassword(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status401Unauthorized
        && !response.Headers.WWWAuthenticate.Any(v => v is not null && v.StartsWith("otp", StringComparison.OrdinalIgnoreCase));
}
