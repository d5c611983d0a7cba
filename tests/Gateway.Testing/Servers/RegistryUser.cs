namespace Gateway.Testing;

/// <summary>A user of the upstream registry and the token it issued at login.</summary>
public sealed record RegistryUser(string Name, string Password, string Token);
