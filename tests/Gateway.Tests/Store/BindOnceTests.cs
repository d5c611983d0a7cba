using Gateway.Resilience;
using Gateway.Store;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>The one bind-once rule (<see cref="BindOnceScript"/>), on both stores, for a string slot and a hash field.</summary>
public abstract class BindOnceTests(IStoreFixture store)
{
    private readonly DependencyGuard _guard = StoreGuard.Create(TimeProvider.System);
    private readonly RedisKey _key = "gw:test:bind-once:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task StringSlot_FirstClaims_SameClaimantOwns_AnotherIsRefused()
    {
        Assert.Equal(BindResult.Claimed, await BindAsync(null, "a", TimeSpan.FromMinutes(1)));
        Assert.Equal(BindResult.Owner, await BindAsync(null, "a", TimeSpan.FromMinutes(1)));
        Assert.Equal(BindResult.Other, await BindAsync(null, "b", TimeSpan.FromMinutes(1)));
        Assert.Equal("a", (string?)await store.Multiplexer.GetDatabase().StringGetAsync(_key));
    }

    [Fact]
    public async Task StringSlot_CarriesTheLifetime()
    {
        await BindAsync(null, "a", TimeSpan.FromSeconds(90));

        var ttl = await store.Multiplexer.GetDatabase().KeyTimeToLiveAsync(_key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task HashField_BindsTheFieldOnly_AndKeepsTheHashsExpiry()
    {
        var db = store.Multiplexer.GetDatabase();
        await db.HashSetAsync(_key, "user", "alice");
        await db.KeyExpireAsync(_key, TimeSpan.FromMinutes(5));

        Assert.Equal(BindResult.Claimed, await BindAsync("used", "1", TimeSpan.Zero));
        Assert.Equal(BindResult.Owner, await BindAsync("used", "1", TimeSpan.Zero));

        Assert.Equal("alice", (string?)await db.HashGetAsync(_key, "user"));
        Assert.Equal("1", (string?)await db.HashGetAsync(_key, "used"));
        Assert.InRange((await db.KeyTimeToLiveAsync(_key))!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task ConcurrentClaimants_ExactlyOneClaims()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => BindAsync(null, "c" + i, TimeSpan.FromMinutes(1)).AsTask()));

        Assert.Single(results, r => r == BindResult.Claimed);
        Assert.Equal(19, results.Count(r => r == BindResult.Other));
    }

    private ValueTask<BindResult> BindAsync(string? field, string claimant, TimeSpan lifetime) =>
        StoreBindings.BindAsync(store.Multiplexer, _guard, _key, field, claimant, lifetime, ReplicaConfirmation.None, default);

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : BindOnceTests(store);

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : BindOnceTests(store);
}
