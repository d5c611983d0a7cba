using Gateway.Automation;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>
/// Reads find a token's record without knowing its owner, through the owner index: written before the record, removed
/// after it, never shorter-lived; records of before the index get one at start-up. And the ledger's read cache: one
/// lookup per token, whoever asks again within its lifetime, "no record" included.
/// </summary>
public abstract class TokenRecordsTests(IStoreFixture store)
{
    private readonly string _user = TestUsers.Unique("tok");
    private readonly string _credentialId = "h" + Guid.NewGuid().ToString("N");
    private readonly TokenRecords _records = new(store.Multiplexer, StoreGuard.Create(TimeProvider.System), ReplicaConfirmation.None);

    private IDatabase Db => store.Multiplexer.GetDatabase();

    [Fact]
    public async Task Save_RecordIsFoundByItsHashAlone()
    {
        await _records.SaveAsync(_user, _credentialId, "key1", "{}", TimeSpan.FromHours(1), default);

        Assert.Equal("{}", await _records.FindAsync(_credentialId, default));
        Assert.Equal(_user, (string?)await Db.StringGetAsync(StoreKeys.TokenOwner(_credentialId)));
    }

    [Fact]
    public async Task Save_OwnerIndexOutlivesTheRecord()
    {
        await _records.SaveAsync(_user, _credentialId, "key1", "{}", TimeSpan.FromHours(1), default);

        var record = await Db.KeyTimeToLiveAsync(StoreKeys.Token(_user, _credentialId));
        var index = await Db.KeyTimeToLiveAsync(StoreKeys.TokenOwner(_credentialId));
        Assert.True(index > record + TimeSpan.FromHours(23), $"index {index}, record {record}");
    }

    [Fact]
    public async Task Save_WithoutLifetime_NeitherExpires()
    {
        await _records.SaveAsync(_user, _credentialId, "key1", "{}", lifetime: null, default);

        Assert.Null(await Db.KeyTimeToLiveAsync(StoreKeys.Token(_user, _credentialId)));
        Assert.Null(await Db.KeyTimeToLiveAsync(StoreKeys.TokenOwner(_credentialId)));
    }

    [Fact]
    public async Task Forget_RemovesRecordAndOwnerIndex()
    {
        await _records.SaveAsync(_user, _credentialId, "key1", "{}", TimeSpan.FromHours(1), default);

        Assert.True(await _records.ForgetAsync(_user, "key1", default));

        Assert.Null(await _records.FindAsync(_credentialId, default));
        Assert.False(await Db.KeyExistsAsync(StoreKeys.TokenOwner(_credentialId)));
    }

    [Fact]
    public async Task Find_UnknownHash_IsNull() =>
        Assert.Null(await _records.FindAsync(_credentialId, default));

    [Fact]
    public async Task Find_IndexWithoutRecord_IsNull()
    {
        await Db.StringSetAsync(StoreKeys.TokenOwner(_credentialId), _user);

        Assert.Null(await _records.FindAsync(_credentialId, default));
    }

    [Fact]
    public async Task OwnerIndexAtStartUp_RecordOfBeforeTheIndex_GetsOneWithItsLifetime_ExistingIndexKept()
    {
        // A record written by a gateway of before the index, and one whose index exists already.
        await Db.StringSetAsync(StoreKeys.Token(_user, _credentialId), "{}", TimeSpan.FromHours(2));
        var indexed = "h" + Guid.NewGuid().ToString("N");
        await Db.StringSetAsync(StoreKeys.Token(_user, indexed), "{}");
        await Db.StringSetAsync(StoreKeys.TokenOwner(indexed), "someone-else");

        await TokenOwnerIndex.RunAsync(store.Multiplexer, NullLogger.Instance);

        Assert.Equal("{}", await _records.FindAsync(_credentialId, default));
        Assert.InRange((await Db.KeyTimeToLiveAsync(StoreKeys.TokenOwner(_credentialId)))!.Value, TimeSpan.FromHours(25), TimeSpan.FromHours(26));
        Assert.Equal("someone-else", (string?)await Db.StringGetAsync(StoreKeys.TokenOwner(indexed)));
    }

    [Theory]
    [InlineData("gw:user:{alice}:token:ab12", "alice", "ab12")]
    [InlineData("gw:user:{a.b@c}:token:ff", "a.b@c", "ff")]
    [InlineData("gw:user:{alice}:tokens", null, null)]
    [InlineData("gw:user:alice:token:ab12", null, null)]
    [InlineData("gw:user:{alice}:token:", null, null)]
    [InlineData("gw:user:{alice}:keys", null, null)]
    public void OwnerIndexAtStartUp_ParsesOnlyTokenRecordKeys(string key, string? user, string? credentialId) =>
        Assert.Equal(user is null ? null : (user, credentialId!), TokenOwnerIndex.Parse(key));

    [Fact]
    public async Task Ledger_ReadLookups_OneStoreLookupPerTokenWithinTheCacheLifetime()
    {
        using var ledger = new TokenLedger(_records, new KeyedHasher(new SecretKeys(store.Multiplexer), store.Protection),
            Options.Create(new TokenOptions()), Options.Create(new Gateway.Configuration.MemoryOptions()), TimeProvider.System);
        var attributes = new TokenAttributes(_user, "key1", "ci", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), ["demo-pkg"], [],
            TokenPermission.ReadWrite, [], false);
        var token = "npm_" + Guid.NewGuid().ToString("N");
        var unrecorded = "npm_" + Guid.NewGuid().ToString("N");
        Assert.False(ledger.TryGetRecent(token, out _));

        // "No record" is remembered for a token nobody recorded; recording a token drops what this instance knew.
        Assert.Null(await ledger.FindRecentAsync(token, default));
        Assert.True(ledger.TryGetRecent(token, out var none));
        Assert.Null(none);
        await ledger.RecordAsync(attributes, token, default);
        Assert.False(ledger.TryGetRecent(token, out _));

        // Found by the token alone (the write path's keyed hash, through the owner index), then remembered.
        Assert.Equal(["demo-pkg"], (await ledger.FindRecentAsync(token, default))!.Packages);
        Assert.True(ledger.TryGetRecent(token, out var cached));
        Assert.Equal(_user, cached!.User);
        Assert.Equal(_user, (await ledger.FindAsync(_user, token, default))!.User);
        Assert.Null(await ledger.FindRecentAsync(unrecorded, default));
        Assert.True(ledger.TryGetRecent(unrecorded, out var stillNone));
        Assert.Null(stillNone);
    }

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : TokenRecordsTests(store);

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : TokenRecordsTests(store);
}
