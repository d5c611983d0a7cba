using System.Net;
using Microsoft.Extensions.Options;

namespace Gateway.WebAuthn;

/// <summary>Stops start-up on a WebAuthn setting that could never verify, naming the key and the value.</summary>
internal sealed class WebAuthnOptionsValidator : IValidateOptions<WebAuthnOptions>
{
    public ValidateOptionsResult Validate(string? name, WebAuthnOptions options)
    {
        var errors = new List<string>();
        var rpId = options.RpId;
        if (string.IsNullOrWhiteSpace(rpId) || Uri.CheckHostName(rpId) == UriHostNameType.Unknown)
        {
            errors.Add($"{WebAuthnOptions.Section}:RpId must be a host name (default: the host of Gateway:PublicUrl), not '{rpId}'");
            rpId = null;
        }

        if (options.Origins.Length == 0)
        {
            errors.Add($"{WebAuthnOptions.Section}:Origins must list at least one origin (default: the origin of Gateway:PublicUrl)");
        }

        foreach (var origin in options.Origins)
        {
            CheckOrigin(origin, rpId, errors);
        }

        if (string.IsNullOrWhiteSpace(options.RpName))
        {
            errors.Add($"{WebAuthnOptions.Section}:RpName must not be empty");
        }

        if (options.CeremonyLifetime <= TimeSpan.Zero || options.CeremonyLifetime > WebAuthnOptions.MaxCeremonyLifetime)
        {
            errors.Add($"{WebAuthnOptions.Section}:CeremonyLifetime must be more than 0 and at most 00:05:00, not '{options.CeremonyLifetime}'");
        }

        if (options.MaxKeysPerUser is < 1 or > 100)
        {
            errors.Add($"{WebAuthnOptions.Section}:MaxKeysPerUser must be between 1 and 100, not '{options.MaxKeysPerUser}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckOrigin(string origin, string? rpId, List<string> errors)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            errors.Add($"{WebAuthnOptions.Section}:Origins entries must be origins such as 'https://npm.example.com', not '{origin}'");
        }
        else if (rpId is not null && !IsWithinRpId(uri.IdnHost, rpId))
        {
            // WebAuthn L3 §5.1.3 / §5.1.4: the RP ID must equal the origin's effective domain or be a suffix of it.
            errors.Add($"{WebAuthnOptions.Section}:Origins entry '{origin}' is not within the RP ID '{rpId}'");
        }
    }

    private static bool IsWithinRpId(string host, string rpId) =>
        string.Equals(host, rpId, StringComparison.OrdinalIgnoreCase)
        || (!IPAddress.TryParse(host, out _) && host.EndsWith("." + rpId, StringComparison.OrdinalIgnoreCase));
}
