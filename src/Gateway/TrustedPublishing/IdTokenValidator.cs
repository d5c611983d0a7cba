using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.TrustedPublishing;

/// <summary>The outcome of checking a CI id token: the token and its issuer, or why it is refused.</summary>
internal sealed record IdTokenCheck(JsonWebToken? Token, TrustedIssuer? Issuer, ExchangeRefusal? Refusal, string? Detail = null)
{
    public static IdTokenCheck Refused(ExchangeRefusal refusal, string? detail = null) => new(null, null, refusal, detail);
}

/// <summary>
/// Checks a CI provider's id token offline against its issuer's keys: signature (RS256 or ES256 only: never <c>none</c>
/// or a shared-secret HS*), exact <c>iss</c> among the configured issuers, <c>aud</c> among the gateway's audiences,
/// <c>exp</c> and <c>nbf</c> within the configured skew, and a <c>jti</c> (docs/SECURITY.md, "Trusted publishing").
/// </summary>
internal sealed class IdTokenValidator(TrustedIssuers issuers, IOptions<TrustedPublishingOptions> options)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    public async ValueTask<IdTokenCheck> CheckAsync(string jwt, CancellationToken cancellation)
    {
        if (!Handler.CanReadToken(jwt))
        {
            return IdTokenCheck.Refused(ExchangeRefusal.Malformed);
        }

        var unverified = Handler.ReadJsonWebToken(jwt);
        if (issuers.Find(unverified.Issuer) is not { } issuer)
        {
            return IdTokenCheck.Refused(ExchangeRefusal.UnknownIssuer, unverified.Issuer);
        }

        // Named before any key is fetched (ValidAlgorithms below would refuse it too): the log then says which algorithm.
        if (!Algorithms.Contains(unverified.Alg, StringComparer.Ordinal))
        {
            return IdTokenCheck.Refused(ExchangeRefusal.BadSignature, "alg " + unverified.Alg);
        }

        TokenValidationResult result;
        try
        {
            result = await ValidateAsync(jwt, issuer, cancellation);
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // Signed with a key the cached set does not have: the issuer may have rotated its keys.
                issuer.RequestRefresh();
                result = await ValidateAsync(jwt, issuer, cancellation);
            }
        }
        catch (InvalidOperationException e)
        {
            return IdTokenCheck.Refused(ExchangeRefusal.KeysUnavailable, e.Message);
        }

        if (!result.IsValid)
        {
            return IdTokenCheck.Refused(Reason(result.Exception), result.Exception?.GetType().Name);
        }

        var token = (JsonWebToken)result.SecurityToken;
        return string.IsNullOrEmpty(token.Id)
            ? IdTokenCheck.Refused(ExchangeRefusal.NoTokenId)
            : new IdTokenCheck(token, issuer, null);
    }

    private async Task<TokenValidationResult> ValidateAsync(string jwt, TrustedIssuer issuer, CancellationToken cancellation) =>
        await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudiences = issuers.Audiences,
            IssuerSigningKeys = await issuer.KeysAsync(cancellation),
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = options.Value.ClockSkew,
        });

    private static ExchangeRefusal Reason(Exception? error) => error switch
    {
        SecurityTokenInvalidAudienceException => ExchangeRefusal.WrongAudience,
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException
            or SecurityTokenInvalidLifetimeException => ExchangeRefusal.Expired,
        SecurityTokenMalformedException or ArgumentException => ExchangeRefusal.Malformed,
        SecurityTokenInvalidIssuerException => ExchangeRefusal.UnknownIssuer,
        _ => ExchangeRefusal.BadSignature,
    };
}
