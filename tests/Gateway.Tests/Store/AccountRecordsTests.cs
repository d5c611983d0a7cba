using Gateway.Accounts;
using Gateway.Store;
using Gateway.TwoFactor;
using Microsoft.Extensions.Caching.Memory;

namespace Gateway.Tests.Store;

/// <summary>
/// Cache invalidation has one direction: <see cref="AccountRecords"/> raises <see cref="AccountRecords.Changed"/>
/// (at once on the changing instance, and through the channel on every other) and <see cref="CachedUserModes"/>
/// observes it.
/// </summary>
public abstract class AccountRecordsTests(IStoreFixture store)
{
    private readonly string _user = TestUsers.Unique();

    [Fact]
    public async Task Change_RaisesChangedBeforeItReturns()
    {
        var records = new AccountRecords(store.Multiplexer, TimeProvider.System, StoreGuard.Create(TimeProvider.System), ReplicaConfirmation.None);
        var changed = new List<string>();
        records.Changed += u => { lock (changed) { changed.Add(u); } };

        await records.SetModeAsync(_user, TwoFactorMode.AuthOnly, default);

        lock (changed)
        {
            Assert.Contains(_user, changed);
        }
    }

    [Fact]
    public async Task ChangeOnAnotherInstance_ReachesThisInstancesCache()
    {
        var guard = StoreGuard.Create(TimeProvider.System);
        var records = new AccountRecords(store.Multiplexer, TimeProvider.System, guard, ReplicaConfirmation.None);
        var here = new CachedUserModes(new MemoryCache(new MemoryCacheOptions()), records, records);
        var there = new AccountRecords(store.Multiplexer, TimeProvider.System, guard, ReplicaConfirmation.None);
        Assert.Equal(TwoFactorMode.Disabled, await here.GetModeAsync(_user, default));

        await there.SetModeAsync(_user, TwoFactorMode.AuthAndWrites, default);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await here.GetModeAsync(_user, default) != TwoFactorMode.AuthAndWrites && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(TwoFactorMode.AuthAndWrites, await here.GetModeAsync(_user, default));
    }

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : AccountRecordsTests(store);

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : AccountRecordsTests(store);
}
