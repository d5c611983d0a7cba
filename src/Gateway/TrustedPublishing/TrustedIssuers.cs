using System.Collections.Frozen;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.TrustedPublishing;

/// <summary>The configured issuers, by their exact <c>iss</c>, and the audiences the gateway accepts (<see cref="TrustedPublishingOptions.Audiences"/>).</summary>
internal sealed class TrustedIssuers
{
    /// <summary>The HTTP client discovery and key fetches use (named, so its handler is pooled and its timeout set once).</summary>
    public const string HttpClientName = "oidc-issuers";

    private readonly FrozenDictionary<string, TrustedIssuer> _issuers;

    public TrustedIssuers(IOptions<TrustedPublishingOptions> options, IOptions<GatewayOptions> gateway, IHttpClientFactory clients, IHostEnvironment environment)
    {
        var http = clients.CreateClient(HttpClientName);
        _issuers = options.Value.Issuers.ToFrozenDictionary(i => i.Issuer, i => new TrustedIssuer(i, http, environment.ContentRootPath), StringComparer.Ordinal);
        Audiences = options.Value.Audiences.Count > 0 ? [.. options.Value.Audiences] : DefaultAudiences(gateway.Value.PublicUrl);
    }

    public IReadOnlyList<string> Audiences { get; }

    public TrustedIssuer? Find(string? issuer) => issuer is not null ? _issuers.GetValueOrDefault(issuer) : null;

    /// <summary>npm asks for <c>npm:&lt;hostname&gt;</c>; Yarn and pnpm for <c>npm:&lt;host[:port]&gt;</c> (docs/PROTOCOL.md, "Trusted publishing").</summary>
    internal static IReadOnlyList<string> DefaultAudiences(string publicUrl)
    {
        if (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var uri))
        {
            return [];
        }

        return new[] { "npm:" + uri.IdnHost, "npm:" + uri.IdnHost + ":" + uri.Port, "npm:" + uri.Authority }.Distinct(StringComparer.Ordinal).ToArray();
    }
}
