using System.Diagnostics;
using Gateway.Http;
using Gateway.TwoFactor;

namespace Gateway.Npm;

/// <summary>
/// First of the protected stages, logins only (a rule with an <c>account</c>: couch logins, the registry's web-UI
/// login): every password login is counted against the client's network before anything else, whatever the
/// account, and refused with 429 + <c>Retry-After</c> while that network backs off — so it never reaches the
/// registry, whose own per-address limit sees only the gateway's address and is shared by every user.
/// A wrong password — the gateway's answer for an account with 2FA (<see cref="EnforcementMiddleware"/>) or the
/// registry's for one without — keeps its count; any other answer takes the count back (docs/SECURITY.md, "Password guessing").
/// Every refusal (400, or a 401 that is not a second-factor challenge) is answered no sooner than the floor and with
/// the same few headers whoever wrote it, so neither its time nor its headers tell whether the gateway or the registry
/// refused, i.e. whether the account has 2FA (docs/SECURITY.md, "No probing").
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
        context.Response.OnStarting(() =>
        {
            if (!IsRefusal(context.Response))
            {
                return Task.CompletedTask;
            }

            KeepOnly(context.Response.Headers);
            return floor.WaitAsync(arrived, CancellationToken.None);
        });
        await next(context);
        if (!IsWrongPassword(context.Response))
        {
            await guesses.SucceededAsync(guess, CancellationToken.None);
        }
    }

    private static bool IsRefusal(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status400BadRequest || IsWrongPassword(response);

    /// <summary>
    /// Drops the registry's incidental headers from a refusal (its ETag, Vary, rate-limit counters, security and CORS headers:
    /// the gateway's own refusal has none of them). Kestrel adds Date and Server to both.
    /// </summary>
    private static void KeepOnly(IHeaderDictionary headers)
    {
        foreach (var name in headers.Keys.Where(n => !RefusalHeaders.Contains(n)).ToList())
        {
            headers.Remove(name);
        }
    }

    private static readonly HashSet<string> RefusalHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Content-Encoding", "WWW-Authenticate",
    };

    /// <summary>A 401 that is not a second-factor challenge (those carry <c>WWW-Authenticate: otp</c>, docs/PROTOCOL.md).</summary>
    private static bool IsWrongPassword(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status401Unauthorized
        && !response.Headers.WWWAuthenticate.Any(v => v is not null && v.StartsWith("otp", StringComparison.OrdinalIgnoreCase));
}
