namespace Gateway.TwoFactor;

/// <summary>
/// Why a second factor was or was not accepted. Turned into a response in one place, the npm front end's <c>ChallengeWriter</c>;
/// a store or registry that cannot answer is not an outcome but a <see cref="Resilience.DependencyUnavailableException"/>.
/// </summary>
public enum VerificationOutcome
{
    /// <summary>A valid TOTP or recovery code, first used (or reused within its window) by this credential.</summary>
    Verified,

    /// <summary>No <c>npm-otp</c> header: challenge, so the client prompts.</summary>
    Missing,

    /// <summary>Not a valid code for this user now.</summary>
    Invalid,

    /// <summary>A valid code that another credential already used.</summary>
    Replayed,

    /// <summary>Too many consecutive failures: refused until the lock-out ends.</summary>
    LockedOut,
}

/// <param name="RetryAfter">For <see cref="VerificationOutcome.LockedOut"/>: how long until the next attempt is allowed.</param>
/// <param name="Factor">What was accepted (<c>totp</c>, <c>recovery-code</c>), for the log.</param>
public readonly record struct VerificationResult(VerificationOutcome Outcome, TimeSpan? RetryAfter = null, string? Factor = null)
{
    public static VerificationResult Of(VerificationOutcome outcome) => new(outcome);
}
