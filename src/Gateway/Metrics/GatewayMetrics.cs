using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Metrics;

/// <summary>
/// The gateway's own instruments (meter <see cref="MeterName"/>), exported by OpenTelemetry
/// (<c>Operations/MetricsRegistration</c>). Only protected requests are counted, and of reads (class none) only the
/// rare ones a recorded token's limits refused or the store's outage left unchecked
/// (docs/ARCHITECTURE.md, "The read path costs nothing"). Tags are small fixed sets (class, decision, outcome,
/// factor, scope, dependency), never a user, package or code.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Npm2faGateway";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _challenges;
    private readonly Counter<long> _verifications;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _readTokenChecks;
    private readonly Histogram<double> _dependencyDuration;
    private readonly ConcurrentDictionary<string, Func<int>> _breakers = new();

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("gateway.requests", "{request}",
            "Protected requests (class auth or writes) by class and the second-factor stage's decision");
        _challenges = meter.CreateCounter<long>("gateway.challenges", "{challenge}",
            "Second-factor challenges answered (otp, web, side-door)");
        _verifications = meter.CreateCounter<long>("gateway.verifications", "{verification}",
            "Second factors judged, by outcome and factor");
        _lockouts = meter.CreateCounter<long>("gateway.lockouts", "{lockout}",
            "Lock-outs started by a failed second factor or sign-in password");
        _readTokenChecks = meter.CreateCounter<long>("gateway.read_token_checks", "{request}",
            "Reads presenting a bearer token that its recorded limits refused (refused), or that were forwarded without them because the store could not answer (unchecked)");
        _dependencyDuration = meter.CreateHistogram<double>("gateway.dependency.duration", "s",
            "Calls to the store and to the registry through their guard, by outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        meter.CreateObservableGauge("gateway.breaker.state", ObserveBreakers, "{state}",
            "Circuit breaker of each dependency: 0 closed, 1 half-open, 2 open");
    }

    public void Request(string protectionClass, string decision) =>
        _requests.Add(1, new("class", protectionClass), new("decision", decision));

    public void Challenge(string kind) => _challenges.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Verification(string outcome, string? factor) =>
        _verifications.Add(1, new("outcome", outcome), new("factor", factor ?? "none"));

    public void Lockout(string scope) => _lockouts.Add(1, new KeyValuePair<string, object?>("scope", scope));

    /// <summary>A read presenting a bearer token: <c>refused</c> by its limits, or <c>unchecked</c> (store unavailable).</summary>
    public void ReadTokenCheck(string outcome) => _readTokenChecks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void DependencyCall(string dependency, TimeSpan duration, bool succeeded) =>
        _dependencyDuration.Record(duration.TotalSeconds, new("dependency", dependency), new("outcome", succeeded ? "ok" : "failed"));

    /// <summary>A dependency's breaker, read at each collection.</summary>
    public void TrackBreaker(string dependency, Func<int> state) => _breakers[dependency] = state;

    private IEnumerable<Measurement<int>> ObserveBreakers() =>
        _breakers.Select(b => new Measurement<int>(b.Value(), new KeyValuePair<string, object?>("dependency", b.Key)));
}
