namespace Gateway.Store;

/// <summary>
/// The one bind-once rule (Store/README.md): a slot holds the first claimant within its lifetime; every later
/// claimant learns whether it is that owner. A slot is a string key (written with the lifetime) or a field of a
/// hash that already carries its own expiry. Written for Lua 5.1 (redis-server) and 5.4 (Garnet).
/// </summary>
internal static class BindOnceScript
{
    /// <summary>
    /// <c>bind_once(key, field, claimant, ms)</c>: field '' for a string slot. Returns <c>'claimed'</c> (the
    /// caller is the first), <c>'owner'</c> (the caller was the first) or <c>'other'</c>.
    /// </summary>
    public const string Function = """
        local function bind_once(key, field, claimant, ms)
          local owner
          if field == '' then owner = redis.call('GET', key) else owner = redis.call('HGET', key, field) end
          if not owner then
            if field == '' then redis.call('SET', key, claimant, 'PX', ms) else redis.call('HSET', key, field, claimant) end
            return 'claimed'
          end
          if owner == claimant then return 'owner' end
          return 'other'
        end

        """;

    /// <summary>KEYS[1]: the slot's key. ARGV: field ('' for a string), claimant, lifetime (ms). Returns what bind_once returns.</summary>
    public const string Bind = Function + """
        return bind_once(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
        """;
}
