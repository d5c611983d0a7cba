using Gateway.Store;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>
/// What a caller who proved nothing can write (docs/SECURITY.md, "Anonymous noise", "Password guessing"), on both stores:
/// its audit event naming a made-up account creates no key of its; every user list expires and its expiry moves
/// with each event; a client network's password counter backs off at the free-th wrong password, a right one takes back
/// only its own count, and every attempt while it backs off is refused uncounted.
/// </summary>
public abstract class AnonymousNoiseStoreTests(IStoreFixture store)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly AuditRecords _audit = new(store.Multiplexer, StoreGuard.Create(TimeProvider.System));
    private readonly AddressCounters _counters = new(store.Multiplexer, StoreGuard.Create(TimeProvider.System));
    private readonly string _network = "10.9." + Random.Shared.Next(256) + "." + Random.Shared.Next(256) + "-" + Guid.NewGuid().ToString("N")[..6];

    private IDatabase Db => store.Multiplexer.GetDatabase();

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : AnonymousNoiseStoreTests(store);

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : AnonymousNoiseStoreTests(store);

    [Fact]
    public async Task Append_MadeUpAccount_SharedTrailOnly_NoKeyOfItsOwn()
    {
        var madeUp = TestUsers.Unique("made-up");

        await _audit.AppendAsync("{\"type\":\"sign-in-refused\"}", madeUp, 100, default, knownAccountsOnly: true);

        Assert.False(await Db.KeyExistsAsync(StoreKeys.UserAuditTrail(madeUp)));
        Assert.Contains("{\"type\":\"sign-in-refused\"}", (await Db.ListRangeAsync(StoreKeys.AuditTrail, 0, 10)).Select(v => v.ToString()));
    }

    [Fact]
    public async Task Append_KnownAccount_ItsListExpiresAndEachEventRefreshesTheExpiry()
    {
        var known = TestUsers.Unique("known");
        await Db.HashSetAsync(StoreKeys.User(known), "mode", "auth-only");

        await _audit.AppendAsync("{\"n\":1}", known, 100, default, knownAccountsOnly: true);
        await Db.KeyExpireAsync(StoreKeys.UserAuditTrail(known), TimeSpan.FromDays(1));
        await _audit.AppendAsync("{\"n\":2}", known, 100, default);

        Assert.Equal(2, await Db.ListLengthAsync(StoreKeys.UserAuditTrail(known)));
        Assert.InRange((await Db.KeyTimeToLiveAsync(StoreKeys.UserAuditTrail(known)))!.Value, AuditRecords.PerUserLifetime - TimeSpan.FromMinutes(1), AuditRecords.PerUserLifetime);
    }

    [Fact]
    public async Task Append_CallerWhoProvedAFactor_AccountWithout2fa_GetsAnExpiringList()
    {
        var user = TestUsers.Unique("plain");

        await _audit.AppendAsync("{\"type\":\"would-challenge\"}", user, 100, default);

        Assert.Equal(1, await Db.ListLengthAsync(StoreKeys.UserAuditTrail(user)));
        Assert.NotNull(await Db.KeyTimeToLiveAsync(StoreKeys.UserAuditTrail(user)));
    }

    [Fact]
    public async Task Count_BacksOffAtTheFreeFailure_RightPasswordRefundsOnlyItsOwn_RefusedWhileBackingOff()
    {
        var first = await CountAsync(Now);
        await _counters.RefundAsync(_network, 3, default); // a right password
        var second = await CountAsync(Now);
        var third = await CountAsync(Now);
        var fourth = await CountAsync(Now); // the free-th wrong one: starts the back-off
        var refused = await CountAsync(Now.AddSeconds(1));
        var afterBackOff = await CountAsync(Now.AddSeconds(6));

        Assert.Equal((false, 0L, 1L), first);
        Assert.Equal((false, 0L, 1L), second);
        Assert.Equal(2L, third.Count);
        Assert.Equal((false, Now.AddSeconds(5).ToUnixTimeMilliseconds(), 3L), fourth);
        Assert.True(refused.Locked);
        Assert.Equal((false, Now.AddSeconds(6 + 10).ToUnixTimeMilliseconds(), 4L), afterBackOff);
        Assert.True(await Db.KeyTimeToLiveAsync(StoreKeys.PasswordFailures(_network)) <= TimeSpan.FromHours(1));
    }

    private async Task<(bool Locked, long LockedUntil, long Count)> CountAsync(DateTimeOffset now) =>
        await _counters.CountUnlessLockedAsync(_network, now, 3, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), default);
}
