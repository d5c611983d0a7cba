using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Metrics;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.TwoFactor;

/// <summary>
/// Brute-force regulation per account, in the store so every instance counts the same failures:
/// the <see cref="RegulationOptions.FreeFailures"/>-th consecutive failure locks the account's second
/// factor, each further one for twice as long as the last (capped), and at
/// <see cref="RegulationOptions.MaxFailures"/> it stays locked until the counter expires. A success
/// resets the count. 10^6 codes cannot be guessed at a handful of tries an hour.
/// The lock check and the count are one atomic step (<see cref="FailureCounters"/>), so however many
/// attempts arrive at once, at most <see cref="RegulationOptions.FreeFailures"/> are judged before the
/// lock-out starts (README.md, "Two-factor authentication for users").
/// </summary>
internal sealed class FailureRegulator(
    FailureCounters counters,
    TimeProvider time,
    IOptions<RegulationOptions> options,
    AuditTrail audit,
    GatewayMetrics metrics)
{
    public const string OtpScope = "otp";

    private RegulationOptions Options => options.Value;

    /// <summary>How a regulated attempt ended.</summary>
    public enum AttemptOutcome
    {
        Succeeded,
        Failed,
        LockedOut,
    }

    /// <summary>
    /// One regulated attempt (a password, a security key, a recovery code, a web-OTP token, an enrolment
    /// code): refused while the account is locked; otherwise counted as a failure <em>before</em>
    /// <paramref name="attempt"/> runs, so concurrent attempts cannot all pass the check before any is
    /// counted. A failure keeps its count (the answer carries the lock-out it started, if any); a success
    /// resets the count, and with it any lock-out its own count started (a second store round trip).
    /// An attempt that throws (the registry or the store is down) stays counted.
    /// </summary>
    public async ValueTask<(AttemptOutcome Outcome, TimeSpan? LockedFor)> AttemptAsync(
        string username, string scope, Func<ValueTask<bool>> attempt, CancellationToken cancellation)
    {
        var (outcome, lockedFor) = await CountUnlessLockedAsync(username, scope, cancellation);
        if (outcome == AttemptOutcome.LockedOut)
        {
            return (outcome, lockedFor);
        }

        if (!await attempt())
        {
            // Only now is the lock-out this count started real: a success resets it.
            if (lockedFor is { } started)
            {
                await LockoutStartedAsync(username, scope, started, cancellation);
            }

            return (AttemptOutcome.Failed, lockedFor);
        }

        await ResetAsync(username, cancellation, scope);
        return (AttemptOutcome.Succeeded, null);
    }

    /// <summary>
    /// An attempt already known to have failed (a TOTP checked in process): unless the account is locked,
    /// counts it. One store round trip. Answers <see cref="AttemptOutcome.Failed"/> with the lock-out this
    /// failure started, if any, or <see cref="AttemptOutcome.LockedOut"/>.
    /// </summary>
    public async ValueTask<(AttemptOutcome Outcome, TimeSpan? LockedFor)> FailUnlessLockedAsync(
        string username, string scope, CancellationToken cancellation)
    {
        var (outcome, until) = await CountUnlessLockedAsync(username, scope, cancellation);
        // Counted, not locked before: a lock-out in force now is the one this failure started.
        if (outcome == AttemptOutcome.Failed && until is { } started)
        {
            await LockoutStartedAsync(username, scope, started, cancellation);
        }

        return (outcome, until);
    }

    private async ValueTask<(AttemptOutcome Outcome, TimeSpan? LockedFor)> CountUnlessLockedAsync(
        string username, string scope, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        var (verdict, lockedUntil) = await counters.CountUnlessLockedAsync(username, Scope(scope), now, Options, cancellation);
        var until = Remaining(lockedUntil, now);
        return verdict == RegulationVerdict.Locked ? (AttemptOutcome.LockedOut, until) : (AttemptOutcome.Failed, until);
    }

    private async ValueTask LockoutStartedAsync(string username, string scope, TimeSpan length, CancellationToken cancellation)
    {
        metrics.Lockout(scope);
        await audit.RecordAsync(AuditEventTypes.LockoutStarted, username, $"{scope}:{(int)Math.Ceiling(length.TotalSeconds)}s", cancellation: cancellation);
    }

    /// <summary>What <see cref="BindTotpUnlessLockedAsync"/> found.</summary>
    public enum BindOutcome
    {
        Bound,
        BoundToAnother,
        Locked,
    }

    /// <summary>
    /// For a TOTP that verified: unless the account is locked, binds its time step <paramref name="step"/>
    /// to <paramref name="credentialId"/> for <paramref name="lifetime"/> (bind-once, Store/README.md), and resets the failure count when
    /// it is (or already was) that credential's; a code bound to another credential counts as a failure
    /// (the answer carries the lock-out it started, if any). One store round trip, atomic with the lock check.
    /// </summary>
    public async ValueTask<(BindOutcome Outcome, TimeSpan? LockedFor)> BindTotpUnlessLockedAsync(
        string username, long step, string credentialId, TimeSpan lifetime, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        var (verdict, lockedUntil) = await counters.BindTotpUnlessLockedAsync(username, step, credentialId, lifetime, now, Options, cancellation);
        if (verdict == RegulationVerdict.BoundToAnother && Remaining(lockedUntil, now) is { } started)
        {
            await LockoutStartedAsync(username, OtpScope, started, cancellation);
        }

        return verdict switch
        {
            RegulationVerdict.Bound => (BindOutcome.Bound, null),
            RegulationVerdict.BoundToAnother => (BindOutcome.BoundToAnother, Remaining(lockedUntil, now)),
            _ => (BindOutcome.Locked, Remaining(lockedUntil, now)),
        };
    }

    /// <summary>How long the account is still locked, or null when it may try. Reads only.</summary>
    public async ValueTask<(TimeSpan? LockedFor, bool HasFailures)> CheckAsync(string username, CancellationToken cancellation, string scope = OtpScope)
    {
        var (count, until) = await counters.ReadAsync(username, Scope(scope), cancellation);
        var remaining = DateTimeOffset.FromUnixTimeMilliseconds(until) - time.GetUtcNow();
        return (remaining > TimeSpan.Zero ? remaining : null, count > 0);
    }

    public async ValueTask ResetAsync(string username, CancellationToken cancellation, string scope = OtpScope) =>
        await counters.ResetAsync(username, Scope(scope), cancellation);

    /// <summary>The lock-out a script reported (ms since the epoch), if it is still running.</summary>
    private static TimeSpan? Remaining(long lockedUntil, DateTimeOffset now)
    {
        var remaining = DateTimeOffset.FromUnixTimeMilliseconds(lockedUntil) - now;
        return remaining > TimeSpan.Zero ? remaining : null;
    }

    /// <summary>
    /// Second factors (TOTP, recovery codes, security keys) count under no scope; another scope is a separate count.
    /// Passwords are not counted here: per account, a stranger could lock its owner out (TwoFactor/PasswordGuesses counts them per client network).
    /// </summary>
    private static string? Scope(string scope) => scope == OtpScope ? null : scope;
}
