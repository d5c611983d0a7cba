using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// The keys kept in the store: the HMAC key of keyed hashes (encrypted by its caller), and, with a shared Redis,
/// Data Protection's key ring. Read once at start-up, without the guard: a store that cannot answer then
/// stops start-up rather than a request.
/// </summary>
internal sealed class SecretKeys(IConnectionMultiplexer store)
{
    /// <summary>Writes <paramref name="fresh"/> unless a key is stored already, then returns the stored one.</summary>
    public byte[] GetOrCreateHmacKey(byte[] fresh)
    {
        var database = store.GetDatabase();
        // Whichever instance writes first wins; the others read its key.
        database.StringSet(StoreKeys.HmacKey, fresh, when: When.NotExists);
        return (byte[]?)database.StringGet(StoreKeys.HmacKey)
            ?? throw new InvalidOperationException($"The store lost {StoreKeys.HmacKey} right after writing it.");
    }

    /// <summary>Keeps Data Protection's key ring in the store, so every instance can read what another wrote.</summary>
    public static void PersistKeyRingToStore(IServiceCollection services) =>
        services.AddOptions<KeyManagementOptions>()
            .Configure<IConnectionMultiplexer>((keys, redis) =>
                keys.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), StoreKeys.DataProtectionKeyRing));
}
