namespace Gateway.Accounts;

/// <summary>
/// A user's 2FA record. <see cref="ProtectedSecret"/> is the TOTP secret encrypted with Data Protection;
/// recovery codes are kept apart, as keyed hashes only.
/// </summary>
public sealed record UserTwoFactorState(
    TwoFactorMode Mode,
    string? ProtectedSecret,
    TwoFactorMode PendingMode,
    string? PendingProtectedSecret,
    DateTimeOffset? EnabledAt,
    DateTimeOffset? UpdatedAt)
{
    public static readonly UserTwoFactorState None = new(TwoFactorMode.Disabled, null, TwoFactorMode.Disabled, null, null, null);

    public bool IsPending => PendingProtectedSecret is not null;

    public bool HasTotp => ProtectedSecret is not null;
}
