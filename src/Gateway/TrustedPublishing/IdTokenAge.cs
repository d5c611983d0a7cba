using System.Globalization;
using System.Text.Json;

namespace Gateway.TrustedPublishing;

/// <summary>
/// An id token's age at the exchange (<see cref="TrustedPublishingOptions.MaxTokenAge"/>; docs/SECURITY.md, "Trusted
/// publishing"): providers give their tokens lifetimes the gateway does not choose, so its own bound on <c>iat</c> decides
/// how long a token copied out of a CI job stays worth exchanging.
/// </summary>
internal static class IdTokenAge
{
    /// <summary>The last second a JSON date can name (9999-12-31T23:59:59Z).</summary>
    private const double LastSecond = 253402300799;

    /// <returns>Null when the token is fresh enough; otherwise why not, for the log and the audit trail.</returns>
    public static string? Problem(JsonElement payload, DateTimeOffset now, TimeSpan maxAge, TimeSpan skew)
    {
        if (!payload.TryGetProperty("iat", out var iat) || iat.ValueKind != JsonValueKind.Number || !iat.TryGetDouble(out var seconds))
        {
            return "no iat";
        }

        if (seconds is < 0 or > LastSecond)
        {
            return "iat out of range";
        }

        var issued = DateTimeOffset.UnixEpoch.AddSeconds(seconds);
        if (issued > now + skew)
        {
            return "iat in the future";
        }

        var age = now - issued;
        return age > maxAge + skew
            ? "issued " + TimeSpan.FromSeconds(Math.Floor(age.TotalSeconds)).ToString("c", CultureInfo.InvariantCulture) + " ago"
            : null;
    }
}
