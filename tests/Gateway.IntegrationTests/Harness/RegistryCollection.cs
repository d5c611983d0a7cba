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
/// across collections; each creates its own users and packages. xunit.runner.json allows four collections at once, as
/// many as there are: none waits for a free thread (a class in a collection of its own could take one first and hold
/// a registry collection back, as happened); the fourth, Verdaccio 9's, takes about a minute. Balanced by the
/// classes' measured times (docs/ARCHITECTURE.md, "Tests").
/// </summary>
[CollectionDefinition(Name)]
public sealed class SecondRegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry-2";
}

/// <summary>
/// A third collection with its own <see cref="RegistryFixture"/>: the token tests, whose lifetimes are waited out in real
/// time, among others, balanced against the first two by the classes' measured times.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ThirdRegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry-3";
}

/// <summary>
/// Verdaccio 9 (tests/registry9, on its pinned Node 24) instead of 6.8, with its own experimental two-factor
/// (<c>flags.tfa</c>) switched on, so the tests see what an operator who turned it on gets behind the gateway. Its own
/// classes take about two minutes, so the classes that need no shared Verdaccio 6.8 run here too (benchmark smoke,
/// policy command, forwarding, TOTP, and the upstream under a path, which starts its own Verdaccio behind nginx),
/// rather than lengthening a 6.8 collection while this one's thread stands idle.
/// </summary>
[CollectionDefinition(Name)]
public sealed class Verdaccio9Collection : ICollectionFixture<Verdaccio9Fixture>
{
    public const string Name = "verdaccio-9";
}
