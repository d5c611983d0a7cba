using System.Diagnostics;
using Gateway.Metrics;
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
    private readonly CircuitBreakerStateProvider _breakerState = new();
    private GatewayMetrics? _metrics;
    private string _metricName = "";

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
                StateProvider = _breakerState,
            })
            .AddTimeout(timeout)
            .Build();
    }

    /// <summary>Reports every call's latency and the breaker's state as <paramref name="dependency"/> (<c>store</c>, <c>registry</c>).</summary>
    public DependencyGuard Measured(GatewayMetrics metrics, string dependency)
    {
        _metrics = metrics;
        _metricName = dependency;
        metrics.TrackBreaker(dependency, () => _breakerState.CircuitState switch
        {
            CircuitState.Closed => 0,
            CircuitState.HalfOpen => 1,
            _ => 2,
        });
        return this;
    }

    public async ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        var succeeded = false;
        try
        {
            // The store's client commands take no cancellation token: WaitAsync lets the timeout abandon a
            // call to a dead store instead of waiting for the client library's own (longer) timeout.
            var result = await _pipeline.ExecuteAsync(async ct => await call(ct).AsTask().WaitAsync(ct), cancellation);
            succeeded = true;
            return result;
        }
        catch (HttpRequestException e) when (UpstreamRefusedException.IsClientStatus(e.StatusCode))
        {
            // A call site that reported a 4xx as a plain HTTP failure: still the request's fault, not the dependency's.
            throw new UpstreamRefusedException((int)e.StatusCode!.Value, null, "a call to " + _name);
        }
        catch (Exception e) when (IsDependencyFailure(e) || e is BrokenCircuitException or TimeoutRejectedException)
        {
            throw new DependencyUnavailableException(_name, e);
        }
        finally
        {
            _metrics?.DependencyCall(_metricName, Stopwatch.GetElapsedTime(started), succeeded);
        }
    }

    /// <summary>
    /// The dependency's own failures only: timeouts, refused connections, 5xx. A 4xx (HTTP status on an
    /// <see cref="HttpRequestException"/>, or <see cref="UpstreamRefusedException"/>) is the request's own fault:
    /// never counted, so a stranger's oversized requests cannot open the breaker for everyone.
    /// </summary>
    private bool IsDependencyFailure(Exception e) =>
        _isClientFailure(e) || e is TimeoutException or TimeoutRejectedException or TaskCanceledException { InnerException: TimeoutException }
            || (e is HttpRequestException http && !UpstreamRefusedException.IsClientStatus(http.StatusCode));
}
