namespace Gateway.Resilience;

/// <summary>The store or the upstream could not answer in time (or its circuit is open): fail closed.</summary>
public sealed class DependencyUnavailableException(string dependency, Exception? inner)
    : Exception($"{dependency} is unavailable", inner)
{
    public string Dependency { get; } = dependency;
}
