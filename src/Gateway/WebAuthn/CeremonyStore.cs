using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.WebAuthn;

/// <summary>
/// Ceremony state kept server-side (WebAuthn L3 §13.4.3): stored under a random id with a TTL of at most
/// 300 s, bound to the user and the kind of ceremony, and taken with GETDEL so that exactly one completion
/// can ever see it. The expiry is also checked against <see cref="TimeProvider"/>, so a clock that is ahead
/// of the store's refuses rather than extends.
/// </summary>
internal sealed class CeremonyStore(
    KeyRecords store,
    TimeProvider time,
    IOptions<WebAuthnOptions> options)
{
    /// <summary>256 random bits, base64url.</summary>
    public const int IdLength = 43;

    public async ValueTask<string> SaveAsync(string kind, string username, string handlerState, CancellationToken cancellation)
    {
        var id = Base64UrlIds.Encode(RandomNumberGenerator.GetBytes(32));
        var lifetime = options.Value.CeremonyLifetime;
        var state = new CeremonyState(kind, username, handlerState, (time.GetUtcNow() + lifetime).ToUnixTimeMilliseconds());
        var json = JsonSerializer.Serialize(state, WebAuthnJson.Default.CeremonyState);
        await store.SaveCeremonyAsync(id, json, lifetime, cancellation);
        return id;
    }

    /// <summary>
    /// Takes the ceremony out of the store, whatever happens next: a failed completion cannot be retried with
    /// the same id. On refusal, <c>Error</c> says why (for the log): unknown, already used or expired, or
    /// not this user's ceremony of this kind.
    /// </summary>
    public async ValueTask<(CeremonyState? State, string? Error)> TakeAsync(string kind, string username, string ceremonyId, CancellationToken cancellation)
    {
        if (!Base64UrlIds.IsCeremonyId(ceremonyId))
        {
            return (null, "malformed ceremony id");
        }

        var json = await store.TakeCeremonyAsync(ceremonyId, cancellation);
        if (json is null)
        {
            return (null, "ceremony unknown, already used or expired");
        }

        var state = JsonSerializer.Deserialize(json, WebAuthnJson.Default.CeremonyState);
        if (state is null || state.Kind != kind || !string.Equals(state.Username, username, StringComparison.Ordinal))
        {
            return (null, "ceremony belongs to another user or kind");
        }

        return time.GetUtcNow().ToUnixTimeMilliseconds() < state.ExpiresAt ? (state, null) : (null, "ceremony expired");
    }
}
