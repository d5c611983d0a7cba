namespace Gateway.Accounts;

/// <summary>What enrolment and verification need of accounts: the whole 2FA record, and changes to it.</summary>
public interface IUserTwoFactorStore
{
    ValueTask<UserTwoFactorState> GetAsync(string username, CancellationToken cancellation);

    /// <summary>Starts (or restarts) enrolment: the mode in force does not change until it is confirmed.</summary>
    ValueTask SetPendingAsync(string username, TwoFactorMode mode, string protectedSecret, CancellationToken cancellation);

    /// <summary>Makes the pending secret the user's, with a new set of recovery-code hashes.</summary>
    ValueTask ConfirmAsync(string username, TwoFactorMode mode, string protectedSecret, IReadOnlyCollection<string> recoveryCodeHashes, CancellationToken cancellation);

    /// <summary>Turns 2FA on for a user whose first factor is a security key (no TOTP secret).</summary>
    ValueTask EnableWithoutSecretAsync(string username, TwoFactorMode mode, IReadOnlyCollection<string>? recoveryCodeHashes, CancellationToken cancellation);

    /// <summary>Removes the authenticator-app secret (and any pending one), leaving mode and other factors.</summary>
    ValueTask RemoveSecretAsync(string username, CancellationToken cancellation);

    ValueTask SetModeAsync(string username, TwoFactorMode mode, CancellationToken cancellation);

    ValueTask ClearPendingAsync(string username, CancellationToken cancellation);

    /// <summary>Removes the secret, the recovery codes, the mode and every security key, atomically.</summary>
    ValueTask DisableAsync(string username, CancellationToken cancellation);

    /// <summary>Removes a recovery code; true if it was there (each code works once).</summary>
    ValueTask<bool> ConsumeRecoveryCodeAsync(string username, string codeHash, CancellationToken cancellation);

    ValueTask<long> CountRecoveryCodesAsync(string username, CancellationToken cancellation);

    ValueTask ReplaceRecoveryCodesAsync(string username, IReadOnlyCollection<string> recoveryCodeHashes, CancellationToken cancellation);
}
