namespace Gateway.IntegrationTests.Harness;

/// <summary>A user of the upstream registry and the token it issued at login.</summary>
internal sealed record RegistryUser(string Name, string Password, string Token);
