using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.WebAuthn;

/// <summary>Fills the RP ID and the origin allow-list from <c>Gateway:PublicUrl</c> when they are not configured, and normalises origins.</summary>
internal sealed class WebAuthnOptionsSetup(IOptions<GatewayOptions> gateway) : IPostConfigureOptions<WebAuthnOptions>
{
    public void PostConfigure(string? name, WebAuthnOptions options)
    {
        Uri.TryCreate(gateway.Value.PublicUrl, UriKind.Absolute, out var publicUrl);
        if (string.IsNullOrWhiteSpace(options.RpId) && publicUrl is not null)
        {
            options.RpId = publicUrl.IdnHost;
        }

        if (options.Origins.Length == 0 && publicUrl is not null)
        {
            options.Origins = [publicUrl.GetLeftPart(UriPartial.Authority)];
        }

        options.RpId = options.RpId?.Trim().ToLowerInvariant();
        options.Origins = [.. options.Origins.Select(Normalise).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The serialisation a browser writes in clientDataJSON.origin: lower-case scheme and host, no default
    /// port, no trailing slash. Values that are not URLs are kept as written, for the validator to name.
    /// </summary>
    internal static string Normalise(string origin) =>
        Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && uri.Query.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : origin;
}
