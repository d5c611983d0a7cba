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

    // One HMAC object per thread, reused: the one-shot HMACSHA256.HashData sets up OpenSSL's MAC for every call
    // (2.5–4 µs here, against about 1 µs reused; docs/BENCHMARKS.md, "Token limits on reads"). Not thread-safe, hence per thread.
    private readonly ThreadLocal<HMACSHA256> _hmac;

    public KeyedHasher(SecretKeys store, IDataProtectionProvider protection)
    {
        var protector = protection.CreateProtector("npm-2fa-gateway.hmac-key.v1");
        _key = new Lazy<byte[]>(
            () => protector.Unprotect(store.GetOrCreateHmacKey(protector.Protect(RandomNumberGenerator.GetBytes(32)))),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _hmac = new ThreadLocal<HMACSHA256>(() => new HMACSHA256(_key.Value));
    }

    /// <summary>Loads the key now, so that a store or key-ring problem stops start-up rather than a request.</summary>
    public void EnsureKey() => _ = _key.Value;

    public string Hash(string purpose, string value)
    {
        Span<byte> digest = stackalloc byte[32];
        _hmac.Value!.TryComputeHash(Encoding.UTF8.GetBytes(purpose + "\n" + value), digest, out _);
        return Convert.ToHexStringLower(digest);
    }
}
