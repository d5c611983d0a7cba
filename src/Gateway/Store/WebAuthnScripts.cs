using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// The changes that must be atomic, as Lua (Redis and the embedded Garnet both run it; Garnet lacks
/// <c>SET … IFEQ</c>, so compare-and-set is written out here). Each script touches one hash-tag slot
/// (<see cref="StoreKeys"/>): the user's keys, or one owner index entry, never both; where a change spans the
/// two, the index is claimed first and released after, so a failure in between leaves at worst an index entry
/// naming a user who has no such key (read as "no key": <c>RedisPasskeyStore</c> checks the user's own keys).
/// </summary>
internal static class WebAuthnScripts
{
    /// <summary>KEYS: the user's handle. ARGV: new handle. Returns the handle in force.</summary>
    public static readonly LuaScript GetOrCreateHandle = LuaScript.Prepare(
        """
        local existing = redis.call('GET', @handleKey)
        if existing then return existing end
        redis.call('SET', @handleKey, @handle)
        return @handle
        """);

    /// <summary>
    /// An owner index entry (credential id or handle → username) claimed once: 1 claimed now, 2 already this
    /// user's, 0 another user's.
    /// </summary>
    public static readonly LuaScript ClaimOwner = LuaScript.Prepare(
        """
        local owner = redis.call('GET', @ownerKey)
        if owner == @username then return 2 end
        if owner then return 0 end
        redis.call('SET', @ownerKey, @username)
        return 1
        """);

    /// <summary>Deletes an owner index entry only if it names this user.</summary>
    public static readonly LuaScript ReleaseOwner = LuaScript.Prepare(
        """
        if redis.call('GET', @ownerKey) == @username then return redis.call('DEL', @ownerKey) end
        return 0
        """);

    /// <summary>1 registered; 0 the user has this key already; -1 the user has the maximum of keys.</summary>
    public static readonly LuaScript Register = LuaScript.Prepare(
        """
        if redis.call('HEXISTS', @keysKey, @credentialId) == 1 then return 0 end
        if redis.call('HLEN', @keysKey) >= tonumber(@maxKeys) then return -1 end
        redis.call('HSET', @keysKey, @credentialId, @record)
        redis.call('HSET', @countersKey, @credentialId, @signCount)
        return 1
        """);

    /// <summary>
    /// The sign counter moves from exactly the value read to the new one, or nothing changes:
    /// 1 updated; 0 another assertion got there first (or the value changed); -1 the key was removed meanwhile.
    /// </summary>
    public static readonly LuaScript AdvanceCounter = LuaScript.Prepare(
        """
        if redis.call('HEXISTS', @keysKey, @credentialId) == 0 then return -1 end
        if redis.call('HGET', @countersKey, @credentialId) ~= @expected then return 0 end
        redis.call('HSET', @countersKey, @credentialId, @next)
        redis.call('HSET', @usedKey, @credentialId, @now)
        return 1
        """);

    /// <summary>1 removed, 0 the user had no such key. The owner index entry is released afterwards (<see cref="ReleaseOwner"/>).</summary>
    public static readonly LuaScript Remove = LuaScript.Prepare(
        """
        local removed = redis.call('HDEL', @keysKey, @credentialId)
        redis.call('HDEL', @countersKey, @credentialId)
        redis.call('HDEL', @usedKey, @credentialId)
        return removed
        """);
}
