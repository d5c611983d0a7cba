namespace Gateway.IntegrationTests.Harness;

/// <summary>Test classes marked <c>[Collection(RegistryCollection.Name)]</c> share one <see cref="RegistryFixture"/>
/// (and so run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry";
}

/// <summary>
/// A second collection with its own <see cref="RegistryFixture"/> (its own Verdaccio and redis-server), run beside
/// <see cref="RegistryCollection"/>: much of these tests' time is spent waiting (clients, restarts, failovers, token
/// lifetimes), so collections side by side finish in well under the time of one. Test classes never share state
/// across collections; each creates its own users and packages. xunit.runner.json allows four collections at once:
/// the three registry collections, and <see cref="StandaloneCollection"/> (the classes without a registry) beside them,
/// so that none waits for a free thread. Balanced by the classes' measured times (docs/ARCHITECTURE.md, "Tests").
/// </summary>
[CollectionDefinition(Name)]
public sealed class SecondRegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry-2";
}

/// <summary>A third collection with its own <see cref="RegistryFixture"/>: the token tests, whose lifetimes are waited out in real time.</summary>
[CollectionDefinition(Name)]
public sealed class ThirdRegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry-3";
}

/// <summary>
/// The classes that need no registry (benchmark smoke, policy command, forwarding, TOTP), one after another in one
/// thread: left each in a collection of its own, they took three of the runner's threads first and held the registry
/// collections back.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StandaloneCollection
{
    public const string Name = "standalone";
}
