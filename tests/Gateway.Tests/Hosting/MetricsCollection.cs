namespace Gateway.Tests.Hosting;

/// <summary>
/// Test classes that compare metric scrapes run alone: OpenTelemetry's meter provider listens to every meter of its
/// name in the process, so while two in-process hosts run, one host's instruments can shadow the other's. (A gateway
/// process holds one host.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics scrapes";
}
