namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// The registry's state at one moment, read behind the gateway's back: every storage file (raw bytes to put
/// back, and a comparable form), the htpasswd lines, each actor's token list as Verdaccio reports it, and
/// the gateway's own 2FA record of each actor (what a 2FA change would alter).
/// </summary>
internal sealed record RegistrySnapshot(
    IReadOnlyDictionary<string, StoredFile> Files,
    byte[] Htpasswd,
    IReadOnlyDictionary<string, string> TokenLists,
    IReadOnlyDictionary<string, string> TwoFactorRecords);

/// <param name="Comparable">What is compared: the bytes' hash, or for a packument its JSON without star bookkeeping.</param>
internal sealed record StoredFile(byte[] Content, string Comparable);
