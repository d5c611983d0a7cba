using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.TwoFactor;

/// <summary>
/// Capability ids for browser flows: 256 random bits, base64url. Not UUID-shaped, because npm masks
/// UUIDs in the URLs it prints (@npmcli/redact) and the user could not read them.
/// </summary>
internal static class FlowIds
{
    public static string New(string prefix = "") => prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether a path value could be an id (cheap rejection of garbage before any store call).</summary>
    public static bool IsWellFormed(string? id, string prefix = "") =>
        id is not null && id.Length == prefix.Length + 43 && id.StartsWith(prefix, StringComparison.Ordinal)
        && id.AsSpan(prefix.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;
}
