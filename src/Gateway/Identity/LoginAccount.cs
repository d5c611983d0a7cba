using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Accounts;

namespace Gateway.Identity;

/// <summary>
/// The account a login acts on, as the registry will see it. Verdaccio's login handler
/// (<c>PUT /-/user/:org_couchdb_user/:_rev?/:revision?</c>) logs in, or creates, the account its JSON
/// body names, whatever the path says; the Basic credential only has to name the same user. So the body
/// names the account, and every other name the request carries (the path's <c>org.couchdb.user:NAME</c>,
/// the Basic user) must agree with it, or the request is refused: the gateway must check the second
/// factor of exactly the account the registry will hand a token for (docs/SECURITY.md).
/// </summary>
internal static class LoginAccount
{
    private const string CouchUserPrefix = "org.couchdb.user:";
    private const string UserRoute = "/-/user/";

    /// <summary>The account and the password the login proves, or why the request is refused (400).</summary>
    public sealed record Result(string? Account, string? Password, string? Problem);

    /// <param name="body">The request's JSON body, read by <see cref="Npm.BodyReader"/>.</param>
    /// <param name="accountKey">The body key naming the account (the rule's <c>account</c>).</param>
    /// <param name="rawPath">The request target as received (the path's name is compared as the registry decodes it).</param>
    /// <param name="authorization">The request's Authorization value, empty when none.</param>
    public static Result Resolve(JsonElement body, string accountKey, string rawPath, string authorization, Usernames usernames)
    {
        if (body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty(accountKey, out var nameElement)
            || nameElement.ValueKind != JsonValueKind.String
            || nameElement.GetString() is not { Length: > 0 } name)
        {
            return Refuse($"A login must name its account in the body's \"{accountKey}\".");
        }

        if (CouchPathUser(rawPath) is { } pathUser && !usernames.Same(pathUser, name))
        {
            return Refuse("The account in the path does not match the account in the request body.");
        }

        if (BasicUser(authorization, out var basicUser) is false || (basicUser is not null && !usernames.Same(basicUser, name)))
        {
            return Refuse("The account in the Authorization header does not match the account in the request body.");
        }

        if (!usernames.TryCanonical(name, out var account))
        {
            return Refuse("This account name is not one the 2FA gateway can protect (letters, digits and . _ ~ @ + - only).");
        }

        var password = body.TryGetProperty("password", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return new Result(account, password, null);
    }

    /// <summary>
    /// NAME of a couch login path <c>/-/user/org.couchdb.user:NAME[/…]</c>, decoded once as Express decodes a
    /// route parameter (so <c>bob%2Fx</c> is <c>bob/x</c>, and can match no body name); null for other paths.
    /// </summary>
    public static string? CouchPathUser(string rawPath)
    {
        var query = rawPath.IndexOfAny(['?', '#']);
        var path = query >= 0 ? rawPath[..query] : rawPath;
        if (!path.StartsWith(UserRoute, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = path[UserRoute.Length..];
        var slash = rest.IndexOf('/');
        var segment = Uri.UnescapeDataString(slash >= 0 ? rest[..slash] : rest);
        return segment.StartsWith(CouchUserPrefix, StringComparison.Ordinal) ? segment[CouchUserPrefix.Length..] : null;
    }

    /// <returns>False for a malformed Basic credential; <paramref name="user"/> is null when the request has none.</returns>
    private static bool BasicUser(string authorization, out string? user)
    {
        user = null;
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header) || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return true; // none, or a Bearer token: the registry takes the account from the body
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? ""));
            var colon = decoded.IndexOf(':');
            user = colon > 0 ? decoded[..colon] : null;
            return user is not null;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static Result Refuse(string problem) => new(null, null, problem);
}
