using System.Buffers;
using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// What one staged publish keeps in the store: the record (its list item as JSON, the publish document without the
/// tarball's base64, the byte offset where that goes back in) and the tarball itself in fixed-size chunks under keys
/// sharing the record's slot (docs/ARCHITECTURE.md, "Staged publishes").
/// </summary>
/// <remarks>Found without its document (lists, views), <see cref="Document"/> is empty.</remarks>
internal sealed record StoredStage(
    string Id, string Package, string Version, string Actor, long StagedAtMs, string Item, byte[] Document, long DataOffset, long TarballLength, int Chunks,
    string StagerCredential = "");

/// <summary>
/// Staged publishes, where every instance reads them: records, tarball chunks, the index lists and expiry walk, and the
/// claim that a version is staged once. Each step is one command or one slot's transaction; the steps that span slots
/// are ordered so a failure in between leaves nothing visible half-done: chunks, then the version claim, then the record
/// and last the index entry; removal takes the index entry first (the one instance that removes it is the one that
/// acts), then the record and chunks, then the claim. Everything but the index expires on its own, so a crash leaves no
/// orphan for longer than the staging lifetime.
/// </summary>
internal sealed class StageRecords(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    /// <summary>KEYS: the claim, the package's staged versions; ARGV: the stage id, the lifetime in ms, the version.</summary>
    private const string ClaimScript = """
        if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          redis.call('sadd', KEYS[2], ARGV[3])
          if redis.call('pttl', KEYS[2]) < tonumber(ARGV[2]) then redis.call('pexpire', KEYS[2], ARGV[2]) end
          return 1
        end
        return 0
        """;

    /// <summary>KEYS: the claim, the package's staged versions; ARGV: the stage id, the version.</summary>
    private const string ReleaseIfOwner = """
        if redis.call('get', KEYS[1]) == ARGV[1] then
          redis.call('srem', KEYS[2], ARGV[2])
          return redis.call('del', KEYS[1])
        end
        return 0
        """;

    private IDatabase Db => store.GetDatabase();

    public async ValueTask WriteChunkAsync(string id, int index, ReadOnlyMemory<byte> chunk, TimeSpan lifetime, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await Db.StringSetAsync(StoreKeys.StageChunk(id, index), chunk, lifetime), cancellation);

    /// <summary>
    /// One chunk of a staged tarball in pooled memory (the caller disposes it), or null when it is gone (expired or removed
    /// meanwhile): a 192 KiB array per chunk would be garbage on the large-object heap, and a 100 MB tarball has 530 of them.
    /// </summary>
    public async ValueTask<IMemoryOwner<byte>?> ReadChunkAsync(string id, int index, CancellationToken cancellation) =>
        await guard.ExecuteAsync<IMemoryOwner<byte>?>(async _ => await Db.StringGetLeaseAsync(StoreKeys.StageChunk(id, index)), cancellation);

    /// <summary>Claims <paramref name="package"/>@<paramref name="version"/> for the stage <paramref name="id"/>; false when another stage holds it.</summary>
    public async ValueTask<bool> ClaimVersionAsync(string package, string version, string id, TimeSpan lifetime, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => (long)(await Db.ScriptEvaluateAsync(ClaimScript,
            [StoreKeys.StagedVersion(package, version), StoreKeys.StagedVersions(package)], [id, (long)lifetime.TotalMilliseconds, version]))! == 1, cancellation);

    /// <summary>The versions of the package that stages claimed (a claim since expired may still be listed: ask <see cref="VersionHolderAsync"/>).</summary>
    public async ValueTask<IReadOnlyList<string>> StagedVersionsAsync(string package, CancellationToken cancellation) =>
        await guard.ExecuteAsync<IReadOnlyList<string>>(async _ => [.. (await Db.SetMembersAsync(StoreKeys.StagedVersions(package))).Select(v => (string)v!)], cancellation);

    /// <summary>The stage id holding the version, if any.</summary>
    public async ValueTask<string?> VersionHolderAsync(string package, string version, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => (string?)await Db.StringGetAsync(StoreKeys.StagedVersion(package, version)), cancellation);

    /// <summary>Releases the version if <paramref name="id"/> still holds it (compare and delete, one script).</summary>
    public async ValueTask ReleaseVersionAsync(string package, string version, string id, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await Db.ScriptEvaluateAsync(ReleaseIfOwner, [StoreKeys.StagedVersion(package, version), StoreKeys.StagedVersions(package)], [id, version]), cancellation);

    /// <summary>Whether a stage holds the version.</summary>
    public async ValueTask<bool> IsVersionStagedAsync(string package, string version, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await Db.KeyExistsAsync(StoreKeys.StagedVersion(package, version)), cancellation);

    /// <summary>Writes the record (its chunks are written already), then lists it.</summary>
    public async ValueTask SaveAsync(StoredStage stage, TimeSpan lifetime, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async call =>
        {
            var key = StoreKeys.Stage(stage.Id);
            var transaction = Db.CreateTransaction();
            _ = transaction.HashSetAsync(key,
            [
                new("package", stage.Package), new("version", stage.Version), new("actor", stage.Actor), new("stagedAt", stage.StagedAtMs),
                new("item", stage.Item), new("document", stage.Document), new("dataOffset", stage.DataOffset),
                new("tarballLength", stage.TarballLength), new("chunks", stage.Chunks), new("credential", stage.StagerCredential),
            ]);
            _ = transaction.KeyExpireAsync(key, lifetime);
            await transaction.ExecuteAsync();
            return await Db.SortedSetAddAsync(StoreKeys.StageIndex, stage.Id, stage.StagedAtMs);
        }, cancellation);

    /// <param name="withDocument">Also the publish document (up to <c>Gateway:Staging:MaxDocumentBytes</c>): only an approval needs it.</param>
    public async ValueTask<StoredStage?> FindAsync(string id, CancellationToken cancellation, bool withDocument = true) =>
        await guard.ExecuteAsync(async _ =>
        {
            var fields = withDocument ? Fields : Summary;
            var values = await Db.HashGetAsync(StoreKeys.Stage(id), fields);
            return values[0].IsNull ? null : Read(id, fields.Zip(values).ToDictionary(f => (string)f.First!, f => f.Second));
        }, cancellation);

    /// <summary>Every staged id, newest first.</summary>
    public async ValueTask<IReadOnlyList<string>> NewestFirstAsync(CancellationToken cancellation) =>
        await guard.ExecuteAsync<IReadOnlyList<string>>(async _ =>
            [.. (await Db.SortedSetRangeByRankAsync(StoreKeys.StageIndex, order: Order.Descending)).Select(v => (string)v!)], cancellation);

    public async ValueTask<long> CountAsync(CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await Db.SortedSetLengthAsync(StoreKeys.StageIndex), cancellation);

    /// <summary>The ids staged at or before <paramref name="cutoffMs"/>.</summary>
    public async ValueTask<IReadOnlyList<string>> StagedBeforeAsync(long cutoffMs, CancellationToken cancellation) =>
        await guard.ExecuteAsync<IReadOnlyList<string>>(async _ =>
            [.. (await Db.SortedSetRangeByScoreAsync(StoreKeys.StageIndex, 0, cutoffMs)).Select(v => (string)v!)], cancellation);

    /// <summary>
    /// Takes the stage out of the index; true for the one caller that did, which then owns the removal (and its audit
    /// event). Its record and chunks go next, and the version claim last.
    /// </summary>
    public async ValueTask<bool> RemoveAsync(string id, StoredStage? stage, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            if (!await Db.SortedSetRemoveAsync(StoreKeys.StageIndex, id))
            {
                return false;
            }

            await DeleteAsync(id, stage);
            return true;
        }, cancellation);

    /// <summary>Removes what a stage that never got listed wrote (a refused or interrupted publish): its chunks and, if it got that far, its claim.</summary>
    public async ValueTask DiscardAsync(string id, int chunks, string? package, string? version, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            await DeleteAsync(id, chunks, package, version);
            return true;
        }, cancellation);

    private Task DeleteAsync(string id, StoredStage? stage) =>
        DeleteAsync(id, stage?.Chunks ?? 0, stage?.Package, stage?.Version);

    private async Task DeleteAsync(string id, int chunks, string? package, string? version)
    {
        // One slot: the record and its chunks go in one command, in batches so a large tarball is not one huge request.
        var keys = Enumerable.Range(0, chunks).Select(i => StoreKeys.StageChunk(id, i)).Prepend(StoreKeys.Stage(id)).ToArray();
        foreach (var batch in keys.Chunk(512))
        {
            await Db.KeyDeleteAsync(batch);
        }

        if (package is not null && version is not null)
        {
            await Db.ScriptEvaluateAsync(ReleaseIfOwner, [StoreKeys.StagedVersion(package, version), StoreKeys.StagedVersions(package)], [id, version]);
        }
    }

    private static readonly RedisValue[] Summary = ["package", "version", "actor", "stagedAt", "item", "dataOffset", "tarballLength", "chunks", "credential"];

    private static readonly RedisValue[] Fields = [.. Summary, "document"];

    private static StoredStage Read(string id, Dictionary<string, RedisValue> map) =>
        new(id, (string)map["package"]!, (string)map["version"]!, (string)map["actor"]!, (long)map["stagedAt"],
            (string)map["item"]!, map.TryGetValue("document", out var document) ? (byte[])document! : [], (long)map["dataOffset"],
            (long)map["tarballLength"], (int)map["chunks"], map.TryGetValue("credential", out var credential) && !credential.IsNull ? (string)credential! : "");
}
