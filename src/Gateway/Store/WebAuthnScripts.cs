using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// The multi-key changes that must be atomic, as Lua (Redis and the embedded Garnet both run it; Garnet
/// lacks <c>SET … IFEQ</c>, so compare-and-set is written out here).
/// </summary>
internal static class WebAuthnScripts
{
    /// <summary>KEYS: user handle, handle owner (for ARGV[1]). ARGV: new handle, username. Returns the handle in force.</summary>
    public static readonly LuaScript GetOrCreateHandle = LuaScript.Prepare(
        """
        local existing = redis.call('GET', @handleKey)
        if existing then return existing end
        redis.call('SET', @handleKey, @handle)
        redis.call('SET', @ownerKey, @username)
        return @handle
        """);

    /// <summary>1 registered; 0 the credential id belongs to someone already; -1 the user has the maximum of keys.</summary>
    public static readonly LuaScript Register = LuaScript.Prepare(
        """
        if redis.call('EXISTS', @ownerKey) == 1 then return 0 end
        if redis.call('HLEN', @keysKey) >= tonumber(@maxKeys) then return -1 end
        redis.call('SET', @ownerKey, @username)
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

    /// <summary>1 removed, 0 the user had no such key. The credential id is released only if it is this user's.</summary>
    public static readonly LuaScript Remove = LuaScript.Prepare(
        """
        local removed = redis.call('HDEL', @keysKey, @credentialId)
        redis.call('HDEL', @countersKey, @credentialId)
        redis.call('HDEL', @usedKey, @credentialId)
        if redis.call('GET', @ownerKey) == @username then redis.call('DEL', @ownerKey) end
        return removed
        """);
}
