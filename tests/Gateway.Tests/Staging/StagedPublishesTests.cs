using Gateway.Configuration;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Staging;
using Gateway.Store;
using Gateway.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Staging;

/// <summary>
/// A stage's lifetime on a real store and a controlled clock: a version is staged once while its stage lives; past
/// <c>MaxAge</c> the stage is gone at once, its version free again, and the sweep removes it exactly once.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class StagedPublishesTests(RedisServerFixture store)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly string _package = "pkg-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Keep_SameVersionTwice_409_UntilTheFirstExpires_ThenFreeAndSweptOnce()
    {
        var stages = new StagedPublishes(new StageRecords(store.Multiplexer, StoreGuard.Create(TimeProvider.System)),
            Microsoft.Extensions.Options.Options.Create(new StagingOptions { MaxAge = TimeSpan.FromMinutes(10) }), _time, NullLogger<StagedPublishes>.Instance);
        var publish = new StagedPublish(_package, "1.0.0", "latest", "public", "00", _package + "-1.0.0.tgz");
        var body = new ScannedBody([1], 0, 0, 0, "00", []);
        var first = StagedPublishes.NewId();
        await stages.KeepAsync(first, publish, body, new CallerIdentity("alice", "credential-of-alice"), default);

        var again = await Assert.ThrowsAsync<ClientInputException>(() => stages.KeepAsync(StagedPublishes.NewId(), publish, body, new CallerIdentity("bob", "credential-of-bob"), default));
        Assert.Equal(409, again.Status);

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await stages.FindAsync(first, default));
        var second = StagedPublishes.NewId();
        await stages.KeepAsync(second, publish, body, new CallerIdentity("bob", "credential-of-bob"), default);

        var swept = await stages.ExpireAsync(default);
        Assert.Equal(first, Assert.Single(swept, s => s.Id == first || s.Id == second).Id);
        Assert.DoesNotContain(await stages.ExpireAsync(default), s => s.Id == first);
        Assert.Equal("bob", (await stages.FindAsync(second, default))?.Actor);
        Assert.Equal(409, (await Assert.ThrowsAsync<ClientInputException>(() => stages.KeepAsync(StagedPublishes.NewId(), publish, body, new CallerIdentity("carol", "credential-of-carol"), default))).Status);
    }
}
