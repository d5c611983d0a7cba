using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Identity;
using Gateway.Limits;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.TrustedPublishing;

/// <summary>A token minted for a trusted workflow: what npm reads back (<c>token</c>, <c>created</c>, <c>expires</c>).</summary>
internal sealed record ExchangedToken(string Token, DateTimeOffset Created, DateTimeOffset Expires);

/// <summary>
/// The exchange (docs/SECURITY.md, "Trusted publishing"): a CI id token, checked by <see cref="IdTokenValidator"/>,
/// matched against the package's trust configuration, used once (its <c>jti</c>, across instances), becomes a short-lived
/// gateway token bound to that package and the configuration's permissions, recorded like every other token
/// (<see cref="TokenLedger"/>: hashed, under the account of <see cref="TrustedPublishingOptions.RegistryToken"/>).
/// No first factor is proven here, so nothing of any account moves but the token's own record: attempts are counted
/// per client network only.
/// </summary>
internal sealed partial class TokenExchange(
    IdTokenValidator validator,
    TrustBook trust,
    TrustRecords records,
    FlowCounters counters,
    IdentityResolver identities,
    TokenLedger tokens,
    KeyedHasher hasher,
    AuditTrail audit,
    IOptions<TrustedPublishingOptions> options,
    TimeProvider time,
    ILogger<TokenExchange> logger)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public async ValueTask<(ExchangedToken? Token, ExchangeRefusal? Refusal)> ExchangeAsync(
        string? idToken, string package, IPAddress? client, CancellationToken cancellation)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            // No issuer trusted: nothing to check, and nothing a stranger's flood should make the store count.
            return Refuse(ExchangeRefusal.UnknownIssuer, package, "no issuers configured");
        }

        if ((await counters.CountOidcExchangeAsync(ClientNetworks.Of(client), Window, cancellation)).Count > settings.ExchangesPerAddress)
        {
            return Refuse(ExchangeRefusal.RateLimited, package, null);
        }

        if (string.IsNullOrEmpty(idToken))
        {
            return Refuse(ExchangeRefusal.Malformed, package, null);
        }

        var check = await validator.CheckAsync(idToken, cancellation);
        if (check.Refusal is { } invalid)
        {
            // The detail may come from an unverified token (its iss): bounded and printable before it reaches a log.
            LogRefused(logger, package, invalid.ToWire(), check.Detail is { } detail ? Printable(detail) : "-");
            return (null, invalid);
        }

        var (jwt, issuer) = (check.Token!, check.Issuer!);
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        var workflow = Workflow(issuer, payload.RootElement);
        var now = time.GetUtcNow();
        if (IdTokenAge.Problem(payload.RootElement, now, settings.MaxTokenAge, settings.ClockSkew) is { } stale)
        {
            return await AuditedRefusalAsync(ExchangeRefusal.TooOld, package, workflow, stale, cancellation);
        }

        if (await trust.GetAsync(package, cancellation) is not { } configuration)
        {
            return await AuditedRefusalAsync(ExchangeRefusal.NoTrustConfiguration, package, workflow, "-", cancellation);
        }

        if (TrustMatcher.Mismatch(configuration, issuer.Provider, issuer.Issuer, payload.RootElement) is { } claim)
        {
            return await AuditedRefusalAsync(ExchangeRefusal.ClaimsMismatch, package, workflow, claim, cancellation);
        }

        var idTokenLeft = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) - now + settings.ClockSkew;
        if (!await records.TryUseIdTokenAsync(hasher.Hash("oidc-jti", issuer.Issuer + "\n" + jwt.Id), idTokenLeft > TimeSpan.Zero ? idTokenLeft : settings.ClockSkew, cancellation))
        {
            return await AuditedRefusalAsync(ExchangeRefusal.Replayed, package, workflow, jwt.Id, cancellation);
        }

        var (_, owner) = await identities.ResolveAsync("Bearer " + settings.RegistryToken, clientAddress: null, cancellation);
        if (owner is null)
        {
            LogRegistryCredentialRefused(logger);
            return (null, ExchangeRefusal.RegistryCredentialRefused);
        }

        var publisher = workflow with { CanPublish = configuration.Allows(TrustConfiguration.CreatePackage), CanStage = configuration.Allows(TrustConfiguration.CreateStagedPackage) };
        var token = TrustedPublisher.TokenPrefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var expires = now + settings.TokenLifetime;
        var attributes = new TokenAttributes(owner.Username, RegistryKey: TrustedPublisher.KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Name: "trusted publishing: " + publisher.Project, now, expires, [package], [],
            publisher.CanPublish ? TokenPermission.ReadWrite : TokenPermission.StageOnly, [], BypassTwoFactor: false, Publisher: publisher);
        await tokens.RecordAsync(attributes, token, cancellation);
        await audit.RecordAsync(AuditEventTypes.OidcExchanged, owner.Username, Permissions(publisher) + " key=" + attributes.RegistryKey + " " + publisher.Describe(),
            Policy.NpmAction.OidcExchange.Name, package, cancellation);
        LogExchanged(logger, package, owner.Username, publisher.Describe());
        return (new ExchangedToken(token, now, expires), null);
    }

    private (ExchangedToken?, ExchangeRefusal?) Refuse(ExchangeRefusal refusal, string package, string? detail)
    {
        LogRefused(logger, package, refusal.ToWire(), detail ?? "-");
        return (null, refusal);
    }

    /// <summary>A validly signed token of a configured issuer: a real workflow, so the refusal goes to the audit trail with who it was.</summary>
    private async ValueTask<(ExchangedToken?, ExchangeRefusal?)> AuditedRefusalAsync(
        ExchangeRefusal refusal, string package, TrustedPublisher workflow, string detail, CancellationToken cancellation)
    {
        LogRefused(logger, package, refusal.ToWire(), detail);
        await audit.RecordAsync(AuditEventTypes.OidcExchangeRefused, null, refusal.ToWire() + " (" + detail + ") " + workflow.Describe(),
            Policy.NpmAction.OidcExchange.Name, package, cancellation, provedNothing: true);
        return (null, refusal);
    }

    private static string Permissions(TrustedPublisher publisher) =>
        string.Join(',', new[] { publisher.CanPublish ? TrustConfiguration.CreatePackage : null, publisher.CanStage ? TrustConfiguration.CreateStagedPackage : null }.OfType<string>());

    /// <summary>Who the token speaks for, in each provider's claims (no token, no secret: all of it is in the job's logs anyway).</summary>
    internal static TrustedPublisher Workflow(TrustedIssuer issuer, JsonElement payload)
    {
        string? Claim(string name) => TrustMatcher.String(payload, name) is { } value ? Printable(value) : null;
        return issuer.Provider switch
        {
            TrustProvider.Gitlab => new(false, false, issuer.Issuer, Claim("project_path"), Claim("ci_config_ref_uri"), Claim("ref"), Claim("environment"), Claim("pipeline_id")),
            TrustProvider.Circleci => new(false, false, issuer.Issuer, Claim("oidc.circleci.com/vcs-origin"), Claim("oidc.circleci.com/pipeline-definition-id"),
                Claim("oidc.circleci.com/vcs-ref"), null, Claim("oidc.circleci.com/pipeline-id")),
            _ => new(false, false, issuer.Issuer, Claim("repository"), Claim("workflow_ref"), Claim("ref"), Claim("environment"), Claim("run_id")),
        };
    }

    /// <summary>Claims go into logs: bounded, and without control characters or spaces that could forge a field.</summary>
    internal static string Printable(string value)
    {
        var text = new StringBuilder(Math.Min(value.Length, 200));
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, 200)))
        {
            text.Append(c is > ' ' and < (char)127 ? c : '_');
        }

        return text.ToString();
    }

    [LoggerMessage(EventId = LogEvents.OidcExchangeRefused, Level = LogLevel.Warning, Message = "Trusted-publishing exchange for {Package} refused: {Reason} ({Detail})")]
    private static partial void LogRefused(ILogger logger, string package, string reason, string detail);

    [LoggerMessage(EventId = LogEvents.OidcExchanged, Level = LogLevel.Information, Message = "Trusted-publishing token for {Package} issued to {Workflow}, publishing as {User}")]
    private static partial void LogExchanged(ILogger logger, string package, string user, string workflow);

    [LoggerMessage(EventId = LogEvents.OidcRegistryCredentialRefused, Level = LogLevel.Error,
        Message = "The registry does not accept Gateway:TrustedPublishing:RegistryToken: no trusted-publishing token can be issued")]
    private static partial void LogRegistryCredentialRefused(ILogger logger);
}
