using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Store;
using Gateway.Tests.Store;
using Gateway.TwoFactor;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.TwoFactor;

/// <summary>
/// The regulator's arithmetic is a Lua script in the store, so it runs against each store the gateway
/// supports: <c>redis-server</c> (Lua 5.1) and the embedded Garnet (Lua 5.4). The script is given the
/// fake clock's "now", so lock-outs follow <see cref="FakeTimeProvider"/>.
/// </summary>
public abstract class FailureRegulatorTests(IStoreFixture store)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _user = TestUsers.Unique();

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : FailureRegulatorTests(store);

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : FailureRegulatorTests(store);

    [Fact]
    public async Task FailUnlessLockedAsync_FirstFourFailures_DoNotLock()
    {
        var regulator = Create();

        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal((FailureRegulator.AttemptOutcome.Failed, null), await regulator.FailUnlessLockedAsync(_user, FailureRegulator.OtpScope, default));
        }

        var (lockedFor, hasFailures) = await regulator.CheckAsync(_user, default);
        Assert.Null(lockedFor);
        Assert.True(hasFailures);
    }

    /// <summary>Defaults: the 5th consecutive failure locks for 30 s, doubling per failure, capped at an hour.</summary>
    [Theory]
    [InlineData(5, 30)]
    [InlineData(6, 60)]
    [InlineData(7, 120)]
    [InlineData(8, 240)]
    [InlineData(11, 1920)]
    [InlineData(12, 3600)]
    [InlineData(13, 3600)]
    public async Task FailUnlessLockedAsync_NthFailure_LocksForDoublingTimeUpToLongest(int failures, int expectedSeconds)
    {
        var regulator = Create();

        var lockout = await FailAsync(regulator, failures);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), lockout);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), (await regulator.CheckAsync(_user, default)).LockedFor);
    }

    [Theory]
    [InlineData(5, 10)]
    [InlineData(6, 20)]
    [InlineData(7, 25)]
    [InlineData(8, 25)]
    public async Task FailUnlessLockedAsync_CustomOptions_FollowFirstAndLongestLockout(int failures, int expectedSeconds)
    {
        var regulator = Create(new RegulationOptions { FirstLockout = TimeSpan.FromSeconds(10), LongestLockout = TimeSpan.FromSeconds(25) });

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), await FailAsync(regulator, failures));
    }

    [Fact]
    public async Task CheckAsync_DuringLockout_ReportsRemainingTime()
    {
        var regulator = Create();
        await FailAsync(regulator, 5);

        _time.Advance(TimeSpan.FromSeconds(12.5));

        Assert.Equal(TimeSpan.FromSeconds(17.5), (await regulator.CheckAsync(_user, default)).LockedFor);
    }

    [Theory]
    [InlineData(29.999, true)]
    [InlineData(30, false)]
    [InlineData(31, false)]
    public async Task CheckAsync_AfterAdvance_ClearsOnlyWhenLockoutEnds(double advanceSeconds, bool stillLocked)
    {
        var regulator = Create();
        await FailAsync(regulator, 5);

        _time.Advance(TimeSpan.FromSeconds(advanceSeconds));

        var (lockedFor, hasFailures) = await regulator.CheckAsync(_user, default);
        Assert.Equal(stillLocked, lockedFor is not null);
        Assert.True(hasFailures); // the count survives the lock-out: the next failure locks again, longer
    }

    [Fact]
    public async Task FailUnlessLockedAsync_AfterLockoutEnds_NextFailureLocksLonger()
    {
        var regulator = Create();
        await FailAsync(regulator, 5);
        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(TimeSpan.FromSeconds(60), await FailAsync(regulator, 1));
    }

    [Fact]
    public async Task ResetAsync_AfterLockout_ClearsLockAndCount()
    {
        var regulator = Create();
        await FailAsync(regulator, 6);

        await regulator.ResetAsync(_user, default);

        Assert.Equal((null, false), await regulator.CheckAsync(_user, default));
        Assert.Null(await FailAsync(regulator, 4));
    }

    [Fact]
    public async Task CheckAsync_UnknownUser_NotLockedAndNoFailures()
    {
        Assert.Equal((null, false), await Create().CheckAsync(_user, default));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public async Task FailUnlessLockedAsync_AtMaxFailures_LocksForCounterLifetime(int failures)
    {
        var options = new RegulationOptions { MaxFailures = 8, CounterLifetime = TimeSpan.FromHours(2) };
        var regulator = Create(options);

        Assert.Equal(TimeSpan.FromSeconds(120), await FailAsync(regulator, 7));
        Assert.Equal(options.CounterLifetime, await FailAsync(regulator, failures - 7));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromHours(1), (await regulator.CheckAsync(_user, default)).LockedFor);
    }

    [Fact]
    public async Task FailUnlessLockedAsync_LockoutStarts_IsAudited()
    {
        await FailAsync(Create(), 5);

        var audited = await CoreCollaborators.Audit(store, _time).NewestAsync(_user, 10, default);

        Assert.Equal("otp:30s", Assert.Single(audited, e => e.Type == AuditEventTypes.LockoutStarted).Outcome);
    }

    [Fact]
    public async Task FailUnlessLockedAsync_TwoInstancesOnOneStore_ShareTheCount()
    {
        var first = Create();
        var second = Create();

        await FailAsync(first, 3);
        await FailAsync(second, 1);
        var lockout = await FailAsync(first, 1);

        Assert.Equal(TimeSpan.FromSeconds(30), lockout);
        Assert.Equal(TimeSpan.FromSeconds(30), (await second.CheckAsync(_user, default)).LockedFor);
        await second.ResetAsync(_user, default);
        Assert.Equal((null, false), await first.CheckAsync(_user, default));
    }

    [Fact]
    public async Task FailUnlessLockedAsync_OneUser_DoesNotAffectAnother()
    {
        var regulator = Create();
        var other = TestUsers.Unique();

        await FailAsync(regulator, 7);

        Assert.Equal((null, false), await regulator.CheckAsync(other, default));
    }

    private FailureRegulator Create(RegulationOptions? options = null) =>
        new(new FailureCounters(store.Multiplexer, StoreGuard.Create(_time), ReplicaConfirmation.None), _time, Options.Create(options ?? new RegulationOptions()),
            CoreCollaborators.Audit(store, _time), CoreCollaborators.Metrics());

    /// <summary>
    /// Counts <paramref name="failures"/> failures as consecutive wrong codes would, each made once the
    /// lock-out before it has ended (the fake clock is advanced past it).
    /// </summary>
    /// <returns>The lock-out the last failure started.</returns>
    private async Task<TimeSpan?> FailAsync(FailureRegulator regulator, int failures)
    {
        TimeSpan? lockout = null;
        for (var i = 0; i < failures; i++)
        {
            if ((await regulator.CheckAsync(_user, default)).LockedFor is { } wait)
            {
                _time.Advance(wait);
            }

            var (outcome, lockedFor) = await regulator.FailUnlessLockedAsync(_user, FailureRegulator.OtpScope, default);
            Assert.Equal(FailureRegulator.AttemptOutcome.Failed, outcome);
            lockout = lockedFor;
        }

        return lockout;
    }
}
