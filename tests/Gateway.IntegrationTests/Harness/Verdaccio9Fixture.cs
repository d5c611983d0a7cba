namespace Gateway.IntegrationTests.Harness;

/// <summary>
/// A <see cref="RegistryFixture"/> whose Verdaccio is version 9 with <c>flags: {tfa: true, stage: true}</c>
/// (<see cref="Verdaccio9Collection"/>): its own experimental two-factor and its own stage API.
/// </summary>
public sealed class Verdaccio9Fixture() : RegistryFixture(VerdaccioVersion.V9, "flags:\n  tfa: true\n  stage: true\n");
