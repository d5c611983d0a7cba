using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Gateway.Resilience;

/// <summary>
/// A timeout and a circuit breaker around calls to one dependency (the store, or the upstream's whoami).
/// No retries: a protected request that cannot be decided is refused with 503, never guessed.
/// </summary>
public sealed class DependencyGuard
{
    private readonly string _name;
    private readonly Func<Exception, bool> _isClientFailure;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>A guard with the default breaker (<see cref="ResilienceOptions"/>).</summary>
    public DependencyGuard(string name, TimeSpan timeout, TimeProvider time, Func<Exception, bool>? isClientFailure = null)
        : this(name, timeout, new ResilienceOptions(), time, isClientFailure)
    {
    }

    /// <param name="breaker">The circuit-breaker settings (<c>Gateway:Resilience:Breaker*</c>), validated at start-up.</param>
    /// <param name="isClientFailure">The dependency's own client library's failures (the store's are
    /// client exceptions, named only in <c>Store/</c>), besides timeouts and HTTP failures.</param>
    public DependencyGuard(string name, TimeSpan timeout, ResilienceOptions breaker, TimeProvider time, Func<Exception, bool>? isClientFailure = null)
    {
        _name = name;
        _isClientFailure = isClientFailure ?? (_ => false);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = breaker.BreakerFailureRatio,
                MinimumThroughput = breaker.BreakerMinimumThroughput,
                SamplingDuration = breaker.BreakerSamplingDuration,
                BreakDuration = breaker.BreakerDuration,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsDependencyFailure),
            })
            .AddTimeout(timeout)
            .Build();
    }

    public async ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellation)
    {
        try
        {
            // The store's client commands take no cancellation token: WaitAsync lets the timeout abandon a
            // call to a dead store instead of waiting for the client library's own (longer) timeout.
            return await _pipeline.ExecuteAsync(async ct => await call(ct).AsTask().WaitAsync(ct), cancellation);
        }
        catch (Exception e) when (IsDependencyFailure(e) || e is BrokenCircuitException or TimeoutRejectedException)
        {
            throw new DependencyUnavailableException(_name, e);
        }
    }

    private bool IsDependencyFailure(Exception e) =>
        _isClientFailure(e) || e is TimeoutException or HttpRequestException or TimeoutRejectedException
            or TaskCanceledException { InnerException: TimeoutException };
}
