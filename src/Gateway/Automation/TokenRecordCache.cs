using Microsoft.Extensions.Caching.Memory;

namespace Gateway.Automation;

/// <summary>
/// Token records as reads see them, in process: token → the record, or "no record" (a token from
/// before the gateway, or by a path around it), for <see cref="Ttl"/>, at most <see cref="Capacity"/> entries
/// (beyond that, new answers are not kept and the lookups go to the store). Only reads use it; protected requests
/// read the store every time (<see cref="TokenLedger.FindAsync"/>).
/// <para>
/// Keyed by the token itself, not by its keyed hash: even with <c>Security/KeyedHasher</c>'s reused HMAC, keying by
/// the hash cost 5–10 µs more CPU per read in a paired run (docs/BENCHMARKS.md, "Keyed hash per read"), while a string
/// lookup costs ~0.1 µs; the hash is computed only on a miss, for the store. The tokens stay in this process's memory, where every request's headers already
/// are, for at most <see cref="Ttl"/>; they are never stored, logged or compared other than for equality.
/// </para>
/// <para>
/// No invalidation message between instances is needed, because no entry can grant more than the store would:
/// </para>
/// <list type="bullet">
/// <item>Every instance finds the same record for a token: the store is looked up by its keyed hash, HMAC-SHA256
/// under the one key all instances share (<c>gw:keys:hmac</c>, written once with <c>SET NX</c>), of the token after
/// <c>Bearer </c>, the same as the write path records it under.</item>
/// <item>A "no record" entry exists only for a token value some request presented. A token created through the
/// gateway reaches its client only after its record and owner index are written (the registry's answer is held
/// until then), and the registry mints a new value (Verdaccio: a random key inside it), so no instance can hold "no
/// record" for it from before. The instance that records it also drops its own entry.</item>
/// <item>A record changes only to end sooner (npm logout sets its expiry to now; other instances' reads may take the
/// token for up to <see cref="Ttl"/> more), or goes away. On revoke the registry refuses the token itself,
/// and until the entry ends the stale record only adds limits. When it expires from the store (30 days after the
/// token), the cached record still refuses it as expired.</item>
/// <item>Expiry is decided at use, from the cached expiry and the clock: a cached token never outlives it.</item>
/// </list>
/// </summary>
internal sealed class TokenRecordCache(TimeProvider time, int capacity = TokenRecordCache.Capacity) : IDisposable
{
    /// <summary>How long an answer is reused (the staleness bound docs/SECURITY.md states).</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);

    /// <summary>Distinct tokens remembered at once (each entry about 1 KB).</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = capacity });

    public int Count => _cache.Count;

    /// <returns>Whether an answer younger than <see cref="Ttl"/> is known; <paramref name="record"/> null: the token has no record.</returns>
    public bool TryGet(string token, out TokenAttributes? record)
    {
        // The clock is the injected one, so tests can move it; the cache's own expiry only evicts.
        if (_cache.TryGetValue(token, out Entry? entry) && entry is not null && time.GetUtcNow() < entry.Until)
        {
            record = entry.Record;
            return true;
        }

        record = null;
        return false;
    }

    public void Set(string token, TokenAttributes? record) =>
        _cache.Set(token, new Entry(record, time.GetUtcNow() + Ttl), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Ttl });

    public void Forget(string token) => _cache.Remove(token);

    public void Dispose() => _cache.Dispose();

    private sealed record Entry(TokenAttributes? Record, DateTimeOffset Until);
}
