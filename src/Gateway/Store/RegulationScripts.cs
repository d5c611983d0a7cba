namespace Gateway.Store;

/// <summary>
/// The Lua scripts of <see cref="FailureCounters"/> (the policy is <c>TwoFactor/FailureRegulator</c>). Each decides "locked or not" and changes the count in
/// the same step, so concurrent attempts (on any number of instances) are serialised by the store: no
/// attempt can pass a lock check that an earlier one is about to close. Written for Lua 5.1 (redis-server)
/// and 5.4 (Garnet). Arguments 1-6 are the same for every script: now (ms), free failures, first lock-out
/// (ms), longest lock-out (ms), max failures, counter lifetime (s).
/// </summary>
internal static class RegulationScripts
{
    // Counts one attempt against KEYS[1] and sets the lock-out it reaches: the free-th attempt locks for
    // the first lock-out, each further one for twice as long (capped), and max for the counter lifetime.
    private const string CountAndLock = """
        local function count_and_lock(key, now)
          local count = redis.call('HINCRBY', key, 'count', 1)
          local free = tonumber(ARGV[2])
          local lockedUntil = 0
          if count >= tonumber(ARGV[5]) then
            lockedUntil = now + tonumber(ARGV[6]) * 1000
          elseif count >= free then
            lockedUntil = now + math.floor(math.min(tonumber(ARGV[3]) * (2 ^ (count - free)), tonumber(ARGV[4])))
          end
          redis.call('HSET', key, 'lockedUntil', lockedUntil)
          redis.call('EXPIRE', key, tonumber(ARGV[6]))
          return lockedUntil
        end
        local now = tonumber(ARGV[1])
        local currentLock = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
        if currentLock > now then return {'locked', currentLock} end

        """;

    /// <summary>
    /// Unless locked, counts the attempt before it is made (it is a failure until it succeeds, see
    /// <c>FailureRegulator.AttemptAsync</c>). Returns <c>{'locked', until}</c> or
    /// <c>{'counted', until}</c> (until = 0 when this attempt started no lock-out).
    /// </summary>
    public const string CountUnlessLocked = CountAndLock + """
        return {'counted', count_and_lock(KEYS[1], now)}
        """;

    /// <summary>
    /// For a code that verified, unless locked: binds it (KEYS[2]) to the credential ARGV[7] for ARGV[8] ms with
    /// the bind-once rule (<see cref="BindOnceScript"/>), or finds whose it already is. Its own: the count is
    /// reset. Another's (a replay): counted as a failure. One round trip with the lock check (the TOTP hot path).
    /// Returns <c>{'locked', until}</c>, <c>{'bound', 0}</c> or <c>{'other', until}</c>.
    /// </summary>
    public const string BindUnlessLocked = BindOnceScript.Function + CountAndLock + """
        if bind_once(KEYS[2], '', ARGV[7], ARGV[8]) ~= 'other' then
          redis.call('DEL', KEYS[1])
          return {'bound', 0}
        end
        return {'other', count_and_lock(KEYS[1], now)}
        """;
}
