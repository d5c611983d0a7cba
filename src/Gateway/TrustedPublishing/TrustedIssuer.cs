using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.TrustedPublishing;

/// <summary>
/// One configured identity provider and where its signing keys come from: discovery (<c>&lt;iss&gt;/.well-known/openid-configuration</c>,
/// then its <c>jwks_uri</c>), a configured <c>JwksUri</c>, or a JWKS file. Network keys are fetched, cached and refreshed
/// by <see cref="ConfigurationManager{T}"/>; a token signed with a key it does not know asks for a refresh
/// (<see cref="RequestRefresh"/>: at most once per refresh interval, 5 minutes).
/// </summary>
internal sealed class TrustedIssuer
{
    private readonly IConfigurationManager<OpenIdConnectConfiguration>? _keys;
    private readonly ICollection<SecurityKey>? _fileKeys;

    public TrustedIssuer(TrustedIssuerOptions options, HttpClient http, string contentRoot)
    {
        Issuer = options.Issuer;
        TrustProviderWire.TryParse(options.Type, out var provider);
        Provider = provider;
        if (options.JwksFile is { } file)
        {
            var path = Path.IsPathRooted(file) ? file : Path.Combine(contentRoot, file);
            _fileKeys = new JsonWebKeySet(File.ReadAllText(path)).GetSigningKeys();
            return;
        }

        var retriever = new HttpDocumentRetriever(http) { RequireHttps = !IsPlainLoopback(options.JwksUri ?? options.Issuer) };
        _keys = options.JwksUri is { } jwks
            ? new ConfigurationManager<OpenIdConnectConfiguration>(jwks, new JwksRetriever(), retriever)
            : new ConfigurationManager<OpenIdConnectConfiguration>(Issuer.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), retriever);
    }

    public string Issuer { get; }

    public TrustProvider Provider { get; }

    /// <exception cref="InvalidOperationException">The provider's discovery document or keys cannot be fetched.</exception>
    public async ValueTask<ICollection<SecurityKey>> KeysAsync(CancellationToken cancellation) =>
        _fileKeys ?? (await _keys!.GetConfigurationAsync(cancellation)).SigningKeys;

    /// <summary>A token named a key the cached set lacks: fetch the keys again (rate-limited by the manager).</summary>
    public void RequestRefresh() => _keys?.RequestRefresh();

    private static bool IsPlainLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == "http" && TrustedPublishingOptionsValidator.IsLoopback(uri.Host);

    /// <summary>A configured <c>JwksUri</c>: the key set alone, without discovery.</summary>
    private sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var set = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
            var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = set };
            foreach (var key in set.GetSigningKeys())
            {
                configuration.SigningKeys.Add(key);
            }

            return configuration;
        }
    }
}
