namespace Gateway.IntegrationTests.Fuzz;

/// <summary>A variant after which the registry changed or a 2FA user's credential came back.</summary>
internal sealed record FuzzFinding(FuzzVariant Variant, RawHttpResponse Response, IReadOnlyList<string> StateChanges, IReadOnlyList<LeakedCredential> Credentials);
