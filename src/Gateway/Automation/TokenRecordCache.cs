using Microsoft.Extensions.Caching.Memory;

namespace Gateway.Automation;

/// <summary>
/// Token records as reads see them, in process: token → the record, or "no record" (a token from
/// before the gateway, or by a path around it), for <see cref="Ttl"/>. Only reads use it; protected requests
/// read the store every time (<see cref="TokenLedger.FindAsync"/>).
/// <para>
/// Bounded by bytes, not entries (docs/SECURITY.md, "Availability"): each entry counts its key's, its record's and its
/// own overhead's estimated bytes (<see cref="EntryBytes"/>) against a budget; beyond it new answers are not kept
/// (the lookups go to the store) and the least recently used entries are compacted away. Records and "no record"
/// answers have separate budgets: anyone can make up tokens, so a stranger sending a new one per request fills the
/// "no record" budget only and cannot push a real user's record out. The gateway refuses credentials longer than
/// <c>Gateway:Memory:MaxCredentialLength</c> before they get here, so an entry is at most a few KB.
/// </para>
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
internal sealed class TokenRecordCache(TimeProvider time, long recordBytes, long unknownBytes) : IDisposable
{
    /// <summary>How long an answer is reused (the staleness bound docs/SECURITY.md states).</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A cache entry's own bytes besides its key and value: MemoryCache's entry and its dictionary node, the options,
    /// <see cref="Entry"/> (measured about 250 on .NET 10 x64; rounded up).
    /// </summary>
    private const int EntryOverhead = 320;

    private readonly MemoryCache _records = new(new MemoryCacheOptions { SizeLimit = recordBytes });
    private readonly MemoryCache _unknown = new(new MemoryCacheOptions { SizeLimit = unknownBytes });

    /// <summary>Tokens whose record is cached.</summary>
    public int RecordCount => _records.Count;

    /// <summary>Tokens cached as having no record.</summary>
    public int UnknownCount => _unknown.Count;

    /// <returns>Whether an answer younger than <see cref="Ttl"/> is known; <paramref name="record"/> null: the token has no record.</returns>
    public bool TryGet(string token, out TokenAttributes? record)
    {
        // The clock is the injected one, so tests can move it; the cache's own expiry only evicts.
        if ((_records.TryGetValue(token, out Entry? entry) || _unknown.TryGetValue(token, out entry)) && entry is not null && time.GetUtcNow() < entry.Until)
        {
            record = entry.Record;
            return true;
        }

        record = null;
        return false;
    }

    public void Set(string token, TokenAttributes? record)
    {
        var (cache, other) = record is null ? (_unknown, _records) : (_records, _unknown);
        other.Remove(token);
        cache.Set(token, new Entry(record, time.GetUtcNow() + Ttl),
            new MemoryCacheEntryOptions { Size = EntryBytes(token, record), AbsoluteExpirationRelativeToNow = Ttl });
    }

    public void Forget(string token)
    {
        _records.Remove(token);
        _unknown.Remove(token);
    }

    /// <summary>The bytes an entry is counted for: its key (a .NET string: 2 bytes a character and a header), its record and the overhead.</summary>
    public static long EntryBytes(string token, TokenAttributes? record) =>
        EntryOverhead + StringBytes(token) + (record is null ? 0 : RecordBytes(record));

    /// <summary>A record's object, its strings and its lists (each list item: a reference and a string of its own).</summary>
    private static long RecordBytes(TokenAttributes record) =>
        160 + StringBytes(record.User) + StringBytes(record.RegistryKey) + StringBytes(record.Name)
        + ListBytes(record.Packages) + ListBytes(record.Scopes) + ListBytes(record.Cidrs) + ListBytes(record.Orgs);

    private static long ListBytes(IReadOnlyList<string>? items) =>
        items is null ? 0 : 32 + items.Sum(item => 8 + StringBytes(item));

    private static long StringBytes(string? value) => value is null ? 0 : 24 + 2L * value.Length;

    public void Dispose()
    {
        _records.Dispose();
        _unknown.Dispose();
    }

    private sealed record Entry(TokenAttributes? Record, DateTimeOffset Until);
}
