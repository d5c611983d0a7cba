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
/// lifetimes), so two collections finish in well under the time of one. Test classes never share state across
/// collections; each creates its own users and packages. xunit.runner.json allows three collections at once: these
/// two, and the classes without a registry (benchmark smoke, policy command, forwarding) one after another beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SecondRegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry-2";
}

/// <summary>
/// Verdaccio 9 (tests/registry9, on its pinned Node 24) instead of 6.8, with its own experimental two-factor
/// (<c>flags.tfa</c>) switched on, so the tests see what an operator who turned it on gets behind the gateway.
/// </summary>
[CollectionDefinition(Name)]
public sealed class Verdaccio9Collection : ICollectionFixture<Verdaccio9Fixture>
{
    public const string Name = "verdaccio-9";
}
