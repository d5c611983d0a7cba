using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Testing;

/// <summary>
/// A CI identity provider on loopback, as GitHub Actions is to npm: an RS256 key made per run, discovery
/// (<c>/.well-known/openid-configuration</c>) and the key set (<c>/.well-known/jwks</c>), id tokens minted with the
/// claims a test needs, and GitHub's id-token request endpoint (<c>ACTIONS_ID_TOKEN_REQUEST_URL</c>: a GET with
/// <c>Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN</c> and <c>&amp;audience=…</c>, answered <c>{"value": jwt}</c>)
/// so that a real npm in a GitHub-Actions-like environment fetches its own token. <see cref="Offline"/> makes one with no
/// server, for a gateway reading the keys from a JWKS file.
/// </summary>
public sealed class LocalOidcIssuer : IAsyncDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private WebApplication? _app;

    private LocalOidcIssuer(string issuer)
    {
        Issuer = issuer;
        _key = new RsaSecurityKey(_rsa) { KeyId = "local-" + Guid.NewGuid().ToString("N")[..12] };
    }

    /// <summary>The <c>iss</c> of its tokens (and, when started, its origin).</summary>
    public string Issuer { get; }

    /// <summary>The public key set, as a JWKS document.</summary>
    public string JwksJson => JsonSerializer.Serialize(new { keys = new[] { Jwk(_key) } });

    /// <summary>What the id-token request endpoint puts in the tokens it mints (GitHub's claims of one job); set by the test.</summary>
    public Dictionary<string, object> JobClaims { get; set; } = [];

    /// <summary>The bearer token GitHub's endpoint expects (<c>ACTIONS_ID_TOKEN_REQUEST_TOKEN</c>).</summary>
    public string RequestToken { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary><c>ACTIONS_ID_TOKEN_REQUEST_URL</c> (npm appends <c>&amp;audience=…</c>).</summary>
    public string RequestUrl => Issuer + "/_apis/id-token?api-version=2.0";

    /// <summary>The audiences the id-token endpoint was asked for, in order.</summary>
    public List<string> RequestedAudiences { get; } = [];

    public static LocalOidcIssuer Offline(string issuer) => new(issuer);

    public static async Task<LocalOidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var port = FreePort.Next();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = new LocalOidcIssuer($"http://127.0.0.1:{port}") { _app = app };
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = issuer.Issuer,
            ["jwks_uri"] = issuer.Issuer + "/.well-known/jwks",
            ["response_types_supported"] = new[] { "id_token" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }), "application/json"));
        app.MapGet("/.well-known/jwks", () => Results.Text(issuer.JwksJson, "application/json"));
        app.MapGet("/_apis/id-token", (HttpContext context) => issuer.AnswerIdTokenRequest(context));
        await app.StartAsync();
        return issuer;
    }

    /// <summary>GitHub Actions' claims of a job of <paramref name="repository"/> running <c>.github/workflows/<paramref name="workflowFile"/></c>.</summary>
    public static Dictionary<string, object> GitHubJob(string repository, string workflowFile, string? environment = null, string gitRef = "refs/heads/main")
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = $"repo:{repository}:ref:{gitRef}",
            ["repository"] = repository,
            ["repository_owner"] = repository.Split('/')[0],
            ["repository_visibility"] = "public",
            ["workflow_ref"] = $"{repository}/.github/workflows/{workflowFile}@{gitRef}",
            ["job_workflow_ref"] = $"{repository}/.github/workflows/{workflowFile}@{gitRef}",
            ["ref"] = gitRef,
            ["ref_type"] = "branch",
            ["run_id"] = "4242",
            ["runner_environment"] = "self-hosted",
        };
        if (environment is not null)
        {
            claims["environment"] = environment;
        }

        return claims;
    }

    /// <summary>
    /// An id token signed with this issuer's key (or <paramref name="signWith"/>, another key under the same kid), issued
    /// now (or at <paramref name="issuedAt"/>; <see cref="DateTime.MinValue"/>: without <c>iat</c>).
    /// </summary>
    public string Mint(string audience, IReadOnlyDictionary<string, object> claims, TimeSpan? lifetime = null, DateTime? notBefore = null,
        string? jti = null, RSA? signWith = null, string? issuer = null, DateTime? issuedAt = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        var key = signWith is null ? _key : new RsaSecurityKey(signWith) { KeyId = _key.KeyId };
        var payload = new Dictionary<string, object>(claims) { ["jti"] = jti ?? Guid.NewGuid().ToString() };
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = payload,
            IssuedAt = issuedAt == DateTime.MinValue ? null : issuedAt ?? (expires < now ? expires.AddMinutes(-5) : now),
            NotBefore = notBefore ?? (expires < now ? expires.AddMinutes(-5) : now),
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private IResult AnswerIdTokenRequest(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + RequestToken)
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var audience = context.Request.Query["audience"].ToString();
        lock (RequestedAudiences)
        {
            RequestedAudiences.Add(audience);
        }

        return Results.Json(new { value = Mint(audience, JobClaims) });
    }

    private static Dictionary<string, string> Jwk(RsaSecurityKey key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        return new() { ["kty"] = jwk.Kty, ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E };
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _rsa.Dispose();
    }
}
