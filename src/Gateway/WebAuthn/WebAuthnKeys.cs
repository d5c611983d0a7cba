using StackExchange.Redis;

namespace Gateway.WebAuthn;

/// <summary>Every store key of security keys, in one place (same <c>gw:</c> scheme as <c>Accounts/StoreKeys.cs</c>).</summary>
internal static class WebAuthnKeys
{
    /// <summary>Hash: credential id (base64url) → the key's record (JSON).</summary>
    public static RedisKey Keys(string username) => "gw:user:" + Accounts.StoreKeys.Checked(username) + ":keys";

    /// <summary>Hash: credential id → sign counter; apart from the record so the counter can be compared-and-set alone.</summary>
    public static RedisKey Counters(string username) => "gw:user:" + Accounts.StoreKeys.Checked(username) + ":keys:counters";

    /// <summary>Hash: credential id → last successful use (Unix ms).</summary>
    public static RedisKey LastUsed(string username) => "gw:user:" + Accounts.StoreKeys.Checked(username) + ":keys:used";

    /// <summary>String: the user's WebAuthn user handle.</summary>
    public static RedisKey UserHandle(string username) => "gw:user:" + Accounts.StoreKeys.Checked(username) + ":webauthn-handle";

    /// <summary>String: user handle → username (what the passkey handler's FindByIdAsync needs).</summary>
    public static RedisKey HandleOwner(string handle) => "gw:webauthn:handle:" + handle;

    /// <summary>String: credential id → username; makes a credential id registrable once across all users.</summary>
    public static RedisKey CredentialOwner(string credentialId) => "gw:webauthn:credential:" + credentialId;

    /// <summary>String with a TTL: a ceremony's server-side state.</summary>
    public static RedisKey Ceremony(string ceremonyId) => "gw:webauthn:ceremony:" + ceremonyId;
}
