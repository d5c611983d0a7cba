using Gateway.Store;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>
/// Staged publishes in the store, on redis-server and the embedded Garnet: chunks read back as written, the record with or
/// without its document, a version claimed once, removal taken by exactly one caller and leaving nothing behind, expiry's walk.
/// </summary>
public abstract class StageRecordsTests(IStoreFixture store)
{
    private readonly StageRecords _records = new(store.Multiplexer, StoreGuard.Create(TimeProvider.System));
    private readonly string _id = Guid.NewGuid().ToString("D");
    private readonly string _package = "pkg-" + Guid.NewGuid().ToString("N")[..10];

    private IDatabase Db => store.Multiplexer.GetDatabase();

    [Fact]
    public async Task SaveFindRemove_ChunksAndRecordRoundTrip_ThenNothingIsLeft()
    {
        var chunks = new[] { new byte[] { 1, 2, 3 }, new byte[] { 4, 5 } };
        for (var i = 0; i < chunks.Length; i++)
        {
            await _records.WriteChunkAsync(_id, i, chunks[i], TimeSpan.FromMinutes(5), default);
        }

        Assert.True(await _records.ClaimVersionAsync(_package, "1.0.0", _id, TimeSpan.FromMinutes(5), default));
        var stage = new StoredStage(_id, _package, "1.0.0", "alice", 1234, "{\"id\":\"x\"}", [7, 8, 9], 2, 5, 2);
        await _records.SaveAsync(stage, TimeSpan.FromMinutes(5), default);

        var found = await _records.FindAsync(_id, default);
        Assert.Equal(stage with { Document = [] }, found! with { Document = [] });
        Assert.Equal(stage.Document, found.Document);
        using (var chunk = await _records.ReadChunkAsync(_id, 1, default))
        {
            Assert.Equal(chunks[1], chunk!.Memory.ToArray());
        }

        Assert.Empty((await _records.FindAsync(_id, default, withDocument: false))!.Document);
        Assert.Contains(_id, await _records.NewestFirstAsync(default));
        Assert.True(await Db.KeyTimeToLiveAsync(StoreKeys.StageChunk(_id, 0)) > TimeSpan.FromMinutes(4));

        Assert.True(await _records.RemoveAsync(_id, found, default));
        Assert.False(await _records.RemoveAsync(_id, found, default));

        Assert.Null(await _records.FindAsync(_id, default));
        Assert.Null(await _records.ReadChunkAsync(_id, 0, default));
        Assert.False(await _records.IsVersionStagedAsync(_package, "1.0.0", default));
        Assert.Empty(await _records.StagedVersionsAsync(_package, default));
        Assert.DoesNotContain(_id, await _records.NewestFirstAsync(default));
    }

    [Fact]
    public async Task ClaimVersion_Once_AndReleasedOnlyByItsOwner()
    {
        var other = Guid.NewGuid().ToString("D");
        Assert.True(await _records.ClaimVersionAsync(_package, "2.0.0", _id, TimeSpan.FromMinutes(5), default));
        Assert.False(await _records.ClaimVersionAsync(_package, "2.0.0", other, TimeSpan.FromMinutes(5), default));

        Assert.True(await _records.ClaimVersionAsync(_package, "2.1.0", other, TimeSpan.FromMinutes(5), default));
        Assert.Equal(["2.0.0", "2.1.0"], (await _records.StagedVersionsAsync(_package, default)).Order(StringComparer.Ordinal));
        Assert.True(await Db.KeyTimeToLiveAsync(StoreKeys.StagedVersions(_package)) > TimeSpan.FromMinutes(4));

        await _records.DiscardAsync(other, 0, _package, "2.0.0", default);

        Assert.True(await _records.IsVersionStagedAsync(_package, "2.0.0", default));
        Assert.Contains("2.0.0", await _records.StagedVersionsAsync(_package, default));
        await _records.ReleaseVersionAsync(_package, "2.1.0", other, default);
        Assert.Equal(["2.0.0"], await _records.StagedVersionsAsync(_package, default));
    }

    [Fact]
    public async Task StagedBefore_FindsOnlyTheOlder()
    {
        var newer = Guid.NewGuid().ToString("D");
        await _records.SaveAsync(new StoredStage(_id, _package, "3.0.0", "a", 1_000, "{}", [1], 0, 0, 0), TimeSpan.FromMinutes(5), default);
        await _records.SaveAsync(new StoredStage(newer, _package, "3.1.0", "a", 5_000, "{}", [1], 0, 0, 0), TimeSpan.FromMinutes(5), default);

        var older = await _records.StagedBeforeAsync(2_000, default);

        Assert.Contains(_id, older);
        Assert.DoesNotContain(newer, older);
        Assert.True(await _records.RemoveAsync(_id, null, default));
        Assert.True(await _records.RemoveAsync(newer, null, default));
    }

    [Fact]
    public void Keys_AStageIdThatIsNotALowercaseUuid_NeverReachesAKey()
    {
        Assert.Throws<ArgumentException>(() => StoreKeys.Stage("../" + _id));
        Assert.Throws<ArgumentException>(() => StoreKeys.StageChunk(_id.ToUpperInvariant(), 0));
        Assert.Throws<ArgumentException>(() => StoreKeys.StagedVersion(_package, "1.0.0:{x}"));
    }

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : StageRecordsTests(store);

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : StageRecordsTests(store);
}
