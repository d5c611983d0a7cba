namespace Gateway.TrustedPublishing;

/// <summary>
/// <c>Gateway:TrustedPublishing</c>: which CI identity providers may exchange their id tokens for a short-lived
/// publish token (npm's trusted publishing, <c>POST /-/npm/v1/oidc/token/exchange/package/&lt;name&gt;</c>), and the
/// registry credential the gateway publishes with for them (README.md, "Trusted publishing"; docs/SECURITY.md).
/// </summary>
public sealed class TrustedPublishingOptions
{
    public const string Section = "Gateway:TrustedPublishing";

    /// <summary>The identity providers whose id tokens are accepted; none: the exchange answers 404 for every package.</summary>
    public List<TrustedIssuerOptions> Issuers { get; set; } = [];

    /// <summary>
    /// The <c>aud</c> values accepted; empty: <c>npm:&lt;public host&gt;</c> (what npm asks GitHub for) and
    /// <c>npm:&lt;public host:port&gt;</c> (Yarn and pnpm). Never npmjs's own unless listed here.
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>How long an exchanged token may be used (npmjs: about an hour at most).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long after its <c>iat</c> an id token may still be exchanged (plus <see cref="ClockSkew"/>): a token read from
    /// a CI log or cache is worth nothing once this passed, whatever <c>exp</c> its provider gave it. A token without
    /// <c>iat</c> is refused.
    /// </summary>
    public TimeSpan MaxTokenAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far <c>exp</c>, <c>nbf</c> and <c>iat</c> may be off the gateway's clock.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The registry credential a trusted workflow's requests are forwarded with (a token of the account that publishes
    /// for trusted workflows): the registry never sees the id token or the exchanged token. A secret: never logged.
    /// </summary>
    public string? RegistryToken { get; set; }

    /// <summary>
    /// Whether <c>GET /-/package/&lt;name&gt;/visibility</c> is the registry's to answer. Off (the default): the gateway
    /// answers <c>{"public": false}</c>, so npm never turns provenance on and never needs Sigstore's public servers.
    /// </summary>
    public bool ForwardVisibility { get; set; }

    /// <summary>Exchanges one client network may attempt per five minutes (an anonymous route: slowed per address).</summary>
    public int ExchangesPerAddress { get; set; } = 60;

    public bool Enabled => Issuers.Count > 0;
}

/// <summary>One identity provider: <c>Gateway:TrustedPublishing:Issuers:N</c>.</summary>
public sealed class TrustedIssuerOptions
{
    /// <summary>The <c>iss</c> claim, exactly; https, or http on a loopback address.</summary>
    public string Issuer { get; set; } = "";

    /// <summary><c>github</c>, <c>gitlab</c> or <c>circleci</c>: which trust configurations its tokens can match.</summary>
    public string Type { get; set; } = "";

    /// <summary>Where its keys are, if not at discovery's <c>jwks_uri</c>.</summary>
    public string? JwksUri { get; set; }

    /// <summary>A JWKS file to read the keys from instead of the network (air-gapped gateways).</summary>
    public string? JwksFile { get; set; }
}
