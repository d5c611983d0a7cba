namespace Gateway.TwoFactor;

/// <summary>What <see cref="TwoFactorAccounts.ConfirmAsync"/> decided.</summary>
/// <param name="RecoveryCodes">The new recovery codes, to be shown once; null when 2FA was not enabled.</param>
/// <param name="LockedOutFor">Set when the attempt was refused unchecked: too many failed codes, try again after this.</param>
internal sealed record EnrolmentConfirmation(IReadOnlyList<string>? RecoveryCodes, TimeSpan? LockedOutFor);
