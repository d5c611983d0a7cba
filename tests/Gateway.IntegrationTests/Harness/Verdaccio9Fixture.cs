namespace Gateway.IntegrationTests.Harness;

/// <summary>A <see cref="RegistryFixture"/> whose Verdaccio is version 9 with <c>flags: {tfa: true}</c> (<see cref="Verdaccio9Collection"/>).</summary>
public sealed class Verdaccio9Fixture() : RegistryFixture(VerdaccioVersion.V9, "flags:\n  tfa: true\n");
