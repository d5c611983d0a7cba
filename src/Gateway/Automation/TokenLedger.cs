using System.Text.Json;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.Automation;

/// <summary>
/// The gateway's record of the tokens created through it: written when the registry answers a token creation,
/// read on every protected request that carries a bearer token, dropped on revoke. A token is found by the keyed
/// hash of its value alone, so any spelling of the <c>Bearer</c> scheme finds the same record.
/// </summary>
internal sealed class TokenLedger(TokenRecords records, KeyedHasher hasher, IOptions<TokenOptions> options, TimeProvider time)
{
    /// <summary>How long a record outlives its token's expiry, so that its use is refused as "expired", not as unknown.</summary>
    private static readonly TimeSpan ExpiredRetention = TimeSpan.FromDays(30);

    /// <summary>How long the store keeps a record that has no expiry and limits nothing (a login's token).</summary>
    private static readonly TimeSpan UnlimitedRetention = TimeSpan.FromDays(400);

    public TokenOptions Options => options.Value;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The token of a <c>Bearer</c> Authorization (any case of the scheme, as registries accept it), else null.</summary>
    public static string? BearerToken(string authorization)
    {
        var space = authorization.IndexOf(' ');
        return space > 0 && authorization.AsSpan(0, space).Equals("Bearer", StringComparison.OrdinalIgnoreCase) && authorization[(space + 1)..].Trim() is { Length: > 0 } token
            ? token
            : null;
    }

    public async ValueTask<TokenAttributes?> FindAsync(string user, string token, CancellationToken cancellation) =>
        await records.FindAsync(user, TokenId(token), cancellation) is { } json ? Read(json) : null;

    /// <summary>The record a login's token gets: no limits but the operator's <see cref="TokenOptions.LoginLifetime"/>.</summary>
    public TokenAttributes LoginRecord(string user) => TokenAttributes.ForLogin(user, Now, options.Value.LoginLifetime);

    /// <exception cref="Resilience.DependencyUnavailableException">The store cannot record it: the caller must not hand the token out.</exception>
    public ValueTask RecordAsync(TokenAttributes attributes, string token, CancellationToken cancellation)
    {
        TimeSpan? lifetime = attributes.Expires is { } expires ? expires - Now + ExpiredRetention
            // A record that limits nothing (a login's) may lapse: the token then counts as unrecorded, which never
            // grants more. A record that limits something (a read-only token) must never lapse into more.
            : attributes.LimitsNothing ? UnlimitedRetention
            : null;
        return records.SaveAsync(attributes.User, TokenId(token), attributes.RegistryKey, attributes.ToJson(), lifetime, cancellation);
    }

    public ValueTask<bool> ForgetAsync(string user, string registryKey, CancellationToken cancellation) =>
        records.ForgetAsync(user, registryKey, cancellation);

    public async ValueTask<IReadOnlyDictionary<string, TokenAttributes>> ListAsync(string user, CancellationToken cancellation) =>
        (await records.ListAsync(user, cancellation)).Select(e => (e.Key, Value: Read(e.Value))).Where(e => e.Value is not null)
            .ToDictionary(e => e.Key, e => e.Value!);

    private string TokenId(string token) => hasher.Hash("token", token);

    /// <summary>A record that cannot be read is treated as no record, which never grants more than the owner has.</summary>
    private static TokenAttributes? Read(string json)
    {
        try
        {
            return TokenAttributes.FromJson(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
