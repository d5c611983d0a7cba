using System.Text.RegularExpressions;

namespace Gateway.Npm;

/// <summary>
/// The answer to a wrong password on a login of an account with 2FA, in the registry's own words: the same status,
/// <c>WWW-Authenticate</c> and body bytes Verdaccio 6.8 gives a wrong password on an account without 2FA, so the
/// answer does not tell who has 2FA (docs/SECURITY.md, "No probing"). From Verdaccio 6.8's source: a couch login
/// (<c>PUT /-/user/…</c>, with or without Basic) ends in htpasswd's add-user check, which refuses an existing user's
/// wrong password with 401 "unauthorized access", after Verdaccio's password rule (at least 3 characters) answered
/// 400; its web-UI login (a side door) answers 401 "bad username/password, access denied". Its final middleware
/// writes every JSON body with two-space indentation and a newline, and a 401 with <c>WWW-Authenticate</c>: 6.8's
/// <c>Basic, Bearer</c>, or, from a registry that refused the password proof's Basic credentials, the schemes it named
/// then (Verdaccio 9: <c>Bearer</c>, with the same status and body as 6.8).
/// </summary>
internal static partial class RegistryLoginRefusal
{
    /// <param name="registryChallenge">The registry's <c>WWW-Authenticate</c> from the password proof (<see cref="Identity.PasswordProof"/>), if any.</param>
    public static Task WriteAsync(HttpContext context, bool sideDoor, string password, string? registryChallenge = null)
    {
        var (status, error, challenge) = sideDoor
            ? (StatusCodes.Status401Unauthorized, "bad username/password, access denied", "Bearer")
            : VerdaccioPasswordRule().IsMatch(password)
                ? (StatusCodes.Status401Unauthorized, "unauthorized access", registryChallenge ?? "Basic, Bearer")
                : (StatusCodes.Status400BadRequest, "The provided password does not pass the validation", null);
        context.Response.StatusCode = status;
        if (challenge is not null)
        {
            context.Response.Headers.WWWAuthenticate = challenge;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        var body = System.Text.Encoding.UTF8.GetBytes("{\n  \"error\": \"" + error + "\"\n}\n");
        // A length, not chunks: the registry's answer carries one.
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>Verdaccio's default password rule, JavaScript's <c>/.{3}$/</c> (its <c>.</c> matches no line terminator).</summary>
    [GeneratedRegex("[^\n\r\u2028\u2029]{3}\\z")]
    private static partial Regex VerdaccioPasswordRule();
}
