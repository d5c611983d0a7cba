using System.Security.Cryptography;
using System.Text;
using Gateway.Store;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.Security;

/// <summary>
/// HMAC-SHA256 with a key shared by all instances: recovery codes and credentials are stored and
/// compared only as keyed hashes, so the store never holds a value that could be replayed or brute
/// forced offline. The key itself is in the store, encrypted with Data Protection.
/// </summary>
internal sealed class KeyedHasher
{
    private readonly Lazy<byte[]> _key;

    public KeyedHasher(SecretKeys store, IDataProtectionProvider protection)
    {
        var protector = protection.CreateProtector("npm-2fa-gateway.hmac-key.v1");
        _key = new Lazy<byte[]>(
            () => protector.Unprotect(store.GetOrCreateHmacKey(protector.Protect(RandomNumberGenerator.GetBytes(32)))),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Loads the key now, so that a store or key-ring problem stops start-up rather than a request.</summary>
    public void EnsureKey() => _ = _key.Value;

    public string Hash(string purpose, string value)
    {
        Span<byte> digest = stackalloc byte[32];
        HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(purpose + "\n" + value), digest);
        return Convert.ToHexStringLower(digest);
    }
}
