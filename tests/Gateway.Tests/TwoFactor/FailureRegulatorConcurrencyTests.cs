using Gateway.Configuration;
using Gateway.Store;
using Gateway.Tests.Store;
using Gateway.TwoFactor;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.TwoFactor;

/// <summary>
/// A regulated attempt is counted before it is judged, in the same store step as the lock check: a burst
/// of concurrent guesses (many requests at once, or many instances) gets at most
/// <see cref="RegulationOptions.FreeFailures"/> of them judged before the lock-out starts. The attempts
/// here are slow (50 ms), so that every one of a burst is in flight before the first one ends.
/// </summary>
public abstract class FailureRegulatorConcurrencyTests(IStoreFixture store)
{
    private const int FreeFailures = 5;
    private static readonly TimeSpan AttemptDuration = TimeSpan.FromMilliseconds(50);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _user = TestUsers.Unique();
    private int _evaluated;

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : FailureRegulatorConcurrencyTests(store);

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : FailureRegulatorConcurrencyTests(store);

    [Theory]
    [InlineData(FailureRegulator.OtpScope)]
    [InlineData("separate-count")]
    public async Task AttemptAsync_BurstOf50WrongGuesses_OnlyFreeFailuresAreEvaluatedAndTheLockHolds(string scope)
    {
        var regulator = Create();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => regulator.AttemptAsync(_user, scope, () => GuessAsync(false), default).AsTask()));

        Assert.Equal(FreeFailures, _evaluated);
        Assert.Equal(FreeFailures, results.Count(r => r.Outcome == FailureRegulator.AttemptOutcome.Failed));
        Assert.Equal(50 - FreeFailures, results.Count(r => r.Outcome == FailureRegulator.AttemptOutcome.LockedOut));
        Assert.Equal(TimeSpan.FromSeconds(30), (await regulator.CheckAsync(_user, default, scope)).LockedFor);
    }

    [Fact]
    public async Task AttemptAsync_RightGuessSentAfterABurstOfWrongOnes_IsLockedOutUnevaluated()
    {
        var regulator = Create();
        var wrong = Enumerable.Range(0, 20).Select(_ => regulator.AttemptAsync(_user, FailureRegulator.OtpScope, () => GuessAsync(false), default).AsTask()).ToList();
        var rightEvaluated = false;

        var right = await regulator.AttemptAsync(_user, FailureRegulator.OtpScope, () =>
        {
            rightEvaluated = true;
            return GuessAsync(true);
        }, default);
        await Task.WhenAll(wrong);

        Assert.Equal(FailureRegulator.AttemptOutcome.LockedOut, right.Outcome);
        Assert.False(rightEvaluated);
        Assert.Equal(FreeFailures, _evaluated);
        Assert.NotNull((await regulator.CheckAsync(_user, default)).LockedFor);
    }

    [Fact]
    public async Task AttemptAsync_BurstFromTwoInstances_SharesOneBudget()
    {
        var first = Create();
        var second = Create();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? first : second).AttemptAsync(_user, FailureRegulator.OtpScope, () => GuessAsync(false), default).AsTask()));

        Assert.Equal(FreeFailures, _evaluated);
    }

    [Fact]
    public async Task AttemptAsync_FifthWrongGuess_StartsLockoutAndSixthIsNotEvaluated()
    {
        var regulator = Create();
        for (var i = 1; i < FreeFailures; i++)
        {
            Assert.Equal((FailureRegulator.AttemptOutcome.Failed, null), await regulator.AttemptAsync(_user, FailureRegulator.OtpScope, () => GuessAsync(false), default));
        }

        var fifth = await regulator.AttemptAsync(_user, FailureRegulator.OtpScope, () => GuessAsync(false), default);
        _time.Advance(TimeSpan.FromSeconds(10));
        var sixth = await regulator.AttemptAsync(_user, FailureRegulator.OtpScope, () => GuessAsync(true), default);

        Assert.Equal((FailureRegulator.AttemptOutcome.Failed, TimeSpan.FromSeconds(30)), fifth);
        Assert.Equal((FailureRegulator.AttemptOutcome.LockedOut, TimeSpan.FromSeconds(20)), sixth);
        Assert.Equal(FreeFailures, _evaluated);
    }

    [Fact]
    public async Task AttemptAsync_FifthGuessRight_SucceedsAndLeavesNoLockOrCount()
    {
        var regulator = Create();
        for (var i = 1; i < FreeFailures; i++)
        {
            await regulator.AttemptAsync(_user, FailureRegulator.OtpScope, () => GuessAsync(false), default);
        }

        var fifth = await regulator.AttemptAsync(_user, FailureRegulator.OtpScope, () => GuessAsync(true), default);

        Assert.Equal((FailureRegulator.AttemptOutcome.Succeeded, null), fifth);
        Assert.Equal((null, false), await regulator.CheckAsync(_user, default));
    }

    [Fact]
    public async Task AttemptAsync_AttemptThrows_StaysCounted()
    {
        var regulator = Create();

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await regulator.AttemptAsync(_user, FailureRegulator.OtpScope, () => throw new InvalidOperationException("registry down"), default));

        Assert.Equal((null, true), await regulator.CheckAsync(_user, default));
    }

    private async ValueTask<bool> GuessAsync(bool right)
    {
        Interlocked.Increment(ref _evaluated);
        await Task.Delay(AttemptDuration);
        return right;
    }

    private FailureRegulator Create() =>
        new(new FailureCounters(store.Multiplexer, StoreGuard.Create(_time), ReplicaConfirmation.None), _time, Options.Create(new RegulationOptions { FreeFailures = FreeFailures }),
            CoreCollaborators.Audit(store, _time), CoreCollaborators.Metrics());
}
