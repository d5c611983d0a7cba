using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Store;

/// <summary>
/// What the store keeps of a registered key, besides its sign counter and last use (kept apart, see
/// <see cref="Store.StoreKeys.SecurityKeyCounters"/>). No attestation object or client data: with attestation "none" they prove nothing later.
/// </summary>
internal sealed record PasskeyRecord(
    string Name,
    byte[] PublicKey,
    string[]? Transports,
    long CreatedAt,
    bool IsUserVerified,
    bool IsBackupEligible,
    bool IsBackedUp);

/// <summary>A key as read back: its record, its counter and when it was last used.</summary>
internal sealed record StoredKey(string CredentialId, PasskeyRecord Record, uint SignCount, DateTimeOffset? LastUsedAt)
{
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeMilliseconds(Record.CreatedAt);
}

/// <summary>The server-side half of a ceremony: whose it is, which kind, the handler's state and when it ends.</summary>
internal sealed record CeremonyState(string Kind, string Username, string HandlerState, long ExpiresAt)
{
    public const string Registration = "registration";
    public const string Assertion = "assertion";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PasskeyRecord))]
[JsonSerializable(typeof(CeremonyState))]
internal sealed partial class WebAuthnJson : JsonSerializerContext;
