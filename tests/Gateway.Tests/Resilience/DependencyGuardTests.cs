using Gateway.Resilience;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace Gateway.Tests.Resilience;

/// <summary>The guard every store call of the second-factor stage goes through (timeout + circuit breaker), on a fake clock.</summary>
public sealed class DependencyGuardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DependencyGuard _guard;

    public DependencyGuardTests() => _guard = new DependencyGuard("the 2FA store", Timeout, _time);

    public static TheoryData<Exception> DependencyFailures => new()
    {
        new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "No connection is available", null, CommandStatus.Unknown),
        new RedisTimeoutException(CommandFlags.None, "Timeout awaiting response", CommandStatus.Sent),
        new RedisException("LOADING Redis is loading the dataset in memory"),
        new TimeoutException(),
        new HttpRequestException("Connection refused"),
    };

    [Fact]
    public async Task ExecuteAsync_CallSucceeds_ReturnsItsValue()
    {
        Assert.Equal(42, await _guard.ExecuteAsync(_ => ValueTask.FromResult(42), default));
    }

    [Theory]
    [MemberData(nameof(DependencyFailures))]
    public async Task ExecuteAsync_DependencyFailure_SurfacesAsDependencyUnavailable(Exception failure)
    {
        var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() => _guard.ExecuteAsync<int>(_ => throw failure, default).AsTask());

        Assert.Same(failure, e.InnerException);
        Assert.Equal("the 2FA store", e.Dependency);
    }

    [Fact]
    public async Task ExecuteAsync_OtherException_PassesThroughUnchanged()
    {
        var bug = new InvalidOperationException("a bug, not an outage");

        Assert.Same(bug, await Assert.ThrowsAsync<InvalidOperationException>(() => _guard.ExecuteAsync<int>(_ => throw bug, default).AsTask()));
    }

    [Fact]
    public async Task ExecuteAsync_AfterFourFailures_OpensCircuitWithoutCallingDependency()
    {
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<DependencyUnavailableException>(() => FailAsync().AsTask());
        }

        var calls = 0;
        var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() => _guard.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(1); }, default).AsTask());

        Assert.Equal(0, calls);
        Assert.IsType<BrokenCircuitException>(e.InnerException);
    }

    [Fact]
    public async Task ExecuteAsync_AfterBreakDuration_CallsDependencyAgain()
    {
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<DependencyUnavailableException>(() => FailAsync().AsTask());
        }

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(7, await _guard.ExecuteAsync(_ => ValueTask.FromResult(7), default));
    }

    [Fact]
    public async Task ExecuteAsync_FailuresBelowRatio_KeepCircuitClosed()
    {
        for (var i = 0; i < 10; i++)
        {
            await _guard.ExecuteAsync(_ => ValueTask.FromResult(0), default);
            if (i % 3 == 0)
            {
                await Assert.ThrowsAsync<DependencyUnavailableException>(() => FailAsync().AsTask());
            }
        }

        var calls = 0;
        await _guard.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(0); }, default);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ExecuteAsync_CallSlowerThanTimeout_SurfacesAsDependencyUnavailable()
    {
        var call = _guard.ExecuteAsync(async token =>
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, token);
            return 1;
        }, default).AsTask();

        _time.Advance(Timeout + TimeSpan.FromMilliseconds(1));

        var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() => call);
        Assert.IsType<TimeoutRejectedException>(e.InnerException);
    }

    [Fact]
    public async Task ExecuteAsync_CallJustUnderTimeout_Succeeds()
    {
        var call = _guard.ExecuteAsync(async token =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.9), _time, token);
            return 1;
        }, default).AsTask();

        _time.Advance(TimeSpan.FromSeconds(1.9));

        Assert.Equal(1, await call);
    }

    /// <summary>
    /// What the store calls in src look like: StackExchange.Redis commands take no token, so a delegate
    /// cannot observe the timeout's cancellation. The guard should still give up at its timeout.
    /// </summary>
    [Fact]
    public async Task ExecuteAsync_CallIgnoringToken_IsStillBoundedByTimeout()
    {
        var never = new TaskCompletionSource<int>();
        var call = _guard.ExecuteAsync(_ => new ValueTask<int>(never.Task), default).AsTask();

        _time.Advance(Timeout + TimeSpan.FromMilliseconds(1));
        await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(1)));

        Assert.True(call.IsCompleted, "the guard is still waiting for a call past its timeout");
        var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() => call);
        Assert.IsType<TimeoutRejectedException>(e.InnerException);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancels_IsOperationCanceledNotUnavailable()
    {
        using var caller = new CancellationTokenSource();
        var call = _guard.ExecuteAsync(async token =>
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, token);
            return 1;
        }, caller.Token).AsTask();

        caller.Cancel();

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.IsNotType<DependencyUnavailableException>(e);
    }

    [Fact]
    public async Task ExecuteAsync_AlreadyCancelled_IsOperationCanceledWithoutCalling()
    {
        var calls = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _guard.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(1); }, new CancellationToken(canceled: true)).AsTask());
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancellations_DoNotOpenCircuit()
    {
        for (var i = 0; i < 6; i++)
        {
            using var caller = new CancellationTokenSource();
            var call = _guard.ExecuteAsync(async token =>
            {
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, token);
                return 1;
            }, caller.Token).AsTask();
            caller.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        Assert.Equal(3, await _guard.ExecuteAsync(_ => ValueTask.FromResult(3), default));
    }

    private ValueTask<int> FailAsync() =>
        _guard.ExecuteAsync<int>(_ => throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "down", null, CommandStatus.Unknown), default);
}
