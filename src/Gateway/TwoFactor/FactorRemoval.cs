namespace Gateway.TwoFactor;

/// <summary>What <see cref="TwoFactorAccounts"/> did with a request to remove a factor.</summary>
internal enum FactorRemoval
{
    Removed,

    /// <summary>The factor is the account's last: removing it would leave 2FA on with nothing to prove it; disable 2FA instead.</summary>
    OnlyFactor,

    NotFound,
}
