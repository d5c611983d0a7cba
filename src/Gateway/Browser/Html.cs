using System.Text.Encodings.Web;
using Gateway.Http;

namespace Gateway.Browser;

/// <summary>Server-rendered pages: one layout, encoded values, a strict Content-Security-Policy (no inline script).</summary>
internal static class Html
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static IResult Page(HttpContext context, string title, string body, int status = StatusCodes.Status200OK)
    {
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.CacheControl = "no-store";
        var html = $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} · npm 2FA gateway</title>
            <link rel="stylesheet" href="{GatewayUrls.Style}">
            <script src="{GatewayUrls.Script}" defer></script>
            </head>
            <body>
            <header><a href="{GatewayUrls.Account}">npm 2FA gateway</a></header>
            <main>
            <h1>{E(title)}</h1>
            {body}
            </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    public static string Error(string? message) => message is null ? "" : $"""<p class="error" role="alert">{E(message)}</p>""";

    public static string Notice(string? message) => message is null ? "" : $"""<p class="notice" role="status">{E(message)}</p>""";

    public static string Antiforgery(string token) => $"""<input type="hidden" name="__RequestVerificationToken" value="{E(token)}">""";

    /// <summary>
    /// The second-factor fields shared by every form that needs one: a code (TOTP or recovery code), or a
    /// security key, whose assertion the script puts in the hidden fields before submitting.
    /// </summary>
    public static string SecondFactorFields(bool hasKeys, string keySubject) => $"""
        <fieldset class="second-factor">
        <legend>Second factor</legend>
        <label>One-time password or recovery code
        <input name="code" autocomplete="one-time-code" inputmode="text" spellcheck="false"></label>
        {(hasKeys ? $"""<button type="button" class="use-key" data-subject="{E(keySubject)}">Use security key</button>""" : "")}
        <input type="hidden" name="ceremonyId">
        <input type="hidden" name="credential">
        </fieldset>
        """;

    public static string RecoveryCodeList(IEnumerable<string> codes) =>
        "<p><strong>Save these recovery codes now.</strong> Each works once, wherever a one-time password is asked. They will not be shown again.</p>"
        + "<ul class=\"codes\" id=\"recovery-codes\">" + string.Concat(codes.Select(c => $"<li><code>{E(c)}</code></li>")) + "</ul>";
}
