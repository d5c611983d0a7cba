namespace Gateway.WebAuthn;

/// <summary>
/// A started ceremony: <see cref="OptionsJson"/> goes to the page for
/// <c>PublicKeyCredential.parseCreationOptionsFromJSON</c> / <c>parseRequestOptionsFromJSON</c>;
/// <see cref="Id"/> comes back with <c>credential.toJSON()</c>. The state behind it stays in the store.
/// </summary>
internal sealed record Ceremony(string Id, string OptionsJson);

/// <param name="Error">Short reason for the log (and at most a generic page message); null on success.</param>
/// <param name="KeyId">The new key's credential id, base64url; null on failure.</param>
internal sealed record RegistrationResult(bool Succeeded, string? Error, string? KeyId)
{
    public static RegistrationResult Ok(string keyId) => new(true, null, keyId);

    public static RegistrationResult Fail(string error) => new(false, error, null);
}

internal sealed record AssertionResult(bool Succeeded, string? Error)
{
    public static AssertionResult Ok { get; } = new(true, null);

    public static AssertionResult Fail(string error) => new(false, error);
}

/// <summary>A registered key as the account page lists it. <see cref="Id"/> is the credential id, base64url.</summary>
internal sealed record SecurityKeyInfo(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, uint SignCount);
