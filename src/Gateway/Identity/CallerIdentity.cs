namespace Gateway.Identity;

/// <summary>Who is calling, as far as the gateway needs to know.</summary>
/// <param name="Username">The registry user.</param>
/// <param name="CredentialId">
/// A keyed hash naming the credential that made the request (a token, a Basic password, or the login of
/// this user): an accepted one-time password is bound to it (docs/PROTOCOL.md#23-retries).
/// </param>
public sealed record CallerIdentity(string Username, string CredentialId);
