using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Metrics;
using Gateway.Store;
using Gateway.WebAuthn;

namespace Gateway.TwoFactor;

/// <summary>
/// The one place a second factor is judged, for npm and the pages alike: an <c>npm-otp</c> value (a TOTP from
/// the user's authenticator, one of their recovery codes, or a web-OTP token an approval page issued) or a
/// security-key assertion. Every failure is regulated by <see cref="FailureRegulator"/>. npm sends the same code on every request of one command (and on the retry of a
/// whole sequence), so an accepted code is bound to the credential that first used it: that credential
/// may reuse it until the code's window ends; any other credential presenting it is a replay.
/// </summary>
internal sealed class SecondFactorVerifier(
    IUserTwoFactorStore accounts,
    WebOtpTokens webTokens,
    SecretVault vault,
    RecoveryCodes recoveryCodes,
    FailureRegulator regulator,
    RecoveryCodeBindings recoveryCodeBindings,
    SecurityKeys keys,
    TimeProvider time,
    CachedUserModes cachedStates,
    AuditTrail audit,
    GatewayMetrics metrics)
{
    /// <summary>A recovery code stays good for the rest of the npm command that spent it.</summary>
    private static readonly TimeSpan RecoveryCodeCommandWindow = TimeSpan.FromMinutes(5);

    public ValueTask<VerificationResult> VerifyAsync(CallerIdentity caller, string? otp, CancellationToken cancellation) =>
        VerifyAsync(caller, otp, request: null, cancellation);

    /// <param name="request">The request being authorised: a web-OTP token is good only for the request it was approved for (and its follow-ups).</param>
    public async ValueTask<VerificationResult> VerifyAsync(CallerIdentity caller, string? otp, ProtectedRequest? request, CancellationToken cancellation)
    {
        var result = await JudgeAsync(caller, otp, request, cancellation);
        await ReportAsync(caller.Username, result, request, cancellation);
        return result;
    }

    private async ValueTask<VerificationResult> JudgeAsync(CallerIdentity caller, string? otp, ProtectedRequest? request, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(otp))
        {
            return VerificationResult.Of(VerificationOutcome.Missing);
        }

        otp = otp.Trim();
        var state = await cachedStates.GetStateAsync(caller.Username, cancellation);
        return TotpCodes.LooksLikeTotp(otp) && state.ProtectedSecret is { } protectedSecret
            ? await VerifyTotpAsync(caller, protectedSecret, otp, cancellation)
            : await VerifyOtherAsync(caller, otp, request, cancellation);
    }

    /// <summary>
    /// A security-key assertion for a ceremony the gateway began. The request's <see cref="HttpContext"/> is
    /// only passed through: ASP.NET Core's passkey handler checks the assertion's origin against it.
    /// </summary>
    public async ValueTask<VerificationResult> VerifySecurityKeyAsync(string username, string ceremonyId, string credentialJson, HttpContext origin, CancellationToken cancellation)
    {
        var (attempt, lockedFor) = await regulator.AttemptAsync(username, FailureRegulator.OtpScope,
            async () => (await keys.CompleteAssertionAsync(username, ceremonyId, credentialJson, origin, cancellation)).Succeeded,
            cancellation);
        var result = attempt switch
        {
            FailureRegulator.AttemptOutcome.LockedOut => new VerificationResult(VerificationOutcome.LockedOut, lockedFor),
            FailureRegulator.AttemptOutcome.Failed => new VerificationResult(VerificationOutcome.Invalid, lockedFor),
            _ => new VerificationResult(VerificationOutcome.Verified, Factor: "security-key"),
        };
        await ReportAsync(username, result, request: null, cancellation);
        return result;
    }

    /// <summary>
    /// Every judged factor is counted by outcome; a refused one is audited here, where it is decided, once
    /// (an accepted one is audited by the front end that lets the request through, which knows what for).
    /// </summary>
    private async ValueTask ReportAsync(string username, VerificationResult result, ProtectedRequest? request, CancellationToken cancellation)
    {
        if (result.Outcome == VerificationOutcome.Missing)
        {
            return;
        }

        var outcome = result.Outcome switch
        {
            VerificationOutcome.Verified => "verified",
            VerificationOutcome.Replayed => "replayed",
            VerificationOutcome.LockedOut => "locked",
            _ => "invalid",
        };
        metrics.Verification(outcome, result.Factor);
        if (result.Outcome != VerificationOutcome.Verified)
        {
            await audit.RecordAsync(AuditEventTypes.CodeRefused, username, outcome, request?.Classification.Action.Name, request?.Classification.Package, cancellation);
        }
    }

    /// <summary>
    /// The hot path (every protected write of a TOTP user): the record comes from the in-process cache, the
    /// code is checked locally, and then one store script decides, atomically with the lock-out check:
    /// a wrong code is counted, a right one is bound to the credential (and resets the count). Nothing of
    /// the local check is revealed unless that script admitted the attempt, so a concurrent burst gets at
    /// most <see cref="RegulationOptions.FreeFailures"/> answers other than "locked".
    /// </summary>
    private async ValueTask<VerificationResult> VerifyTotpAsync(CallerIdentity caller, string protectedSecret, string otp, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        if (!TotpCodes.Verify(vault.Unprotect(caller.Username, protectedSecret), otp, now, out var step))
        {
            var (failed, retryAfter) = await regulator.FailUnlessLockedAsync(caller.Username, FailureRegulator.OtpScope, cancellation);
            return new VerificationResult(failed == FailureRegulator.AttemptOutcome.LockedOut ? VerificationOutcome.LockedOut : VerificationOutcome.Invalid, retryAfter);
        }

        var (outcome, lockedFor) = await regulator.BindTotpUnlessLockedAsync(
            caller.Username, step, caller.CredentialId, TotpCodes.AcceptedUntil(step) - now, cancellation);
        return outcome switch
        {
            FailureRegulator.BindOutcome.Bound => new VerificationResult(VerificationOutcome.Verified, Factor: "totp"),
            FailureRegulator.BindOutcome.Locked => new VerificationResult(VerificationOutcome.LockedOut, lockedFor),
            _ => new VerificationResult(VerificationOutcome.Replayed, lockedFor),
        };
    }

    /// <summary>Recovery codes, web-OTP tokens, and anything that is not a code at all.</summary>
    private async ValueTask<VerificationResult> VerifyOtherAsync(CallerIdentity caller, string otp, ProtectedRequest? request, CancellationToken cancellation)
    {
        var result = VerificationResult.Of(VerificationOutcome.Invalid);
        var (attempt, lockedFor) = await regulator.AttemptAsync(caller.Username, FailureRegulator.OtpScope, async () =>
        {
            result = WebOtpTokens.LooksLikeToken(otp) ? await webTokens.VerifyAsync(caller, otp, request, cancellation)
                : RecoveryCodes.LooksLikeRecoveryCode(otp) ? await CheckRecoveryCodeAsync(caller, otp, cancellation)
                : VerificationResult.Of(VerificationOutcome.Invalid);
            return result.Outcome == VerificationOutcome.Verified;
        }, cancellation);
        return attempt switch
        {
            FailureRegulator.AttemptOutcome.LockedOut => new VerificationResult(VerificationOutcome.LockedOut, lockedFor),
            FailureRegulator.AttemptOutcome.Failed => result with { RetryAfter = lockedFor },
            _ => result,
        };
    }

    private async ValueTask<VerificationResult> CheckRecoveryCodeAsync(CallerIdentity caller, string code, CancellationToken cancellation)
    {
        var hash = recoveryCodes.Hash(caller.Username, code);
        var boundTo = await recoveryCodeBindings.OwnerAsync(caller.Username, hash, cancellation);
        if (boundTo is not null)
        {
            return boundTo == caller.CredentialId
                ? new VerificationResult(VerificationOutcome.Verified, Factor: "recovery-code")
                : VerificationResult.Of(VerificationOutcome.Replayed);
        }

        if (!await accounts.ConsumeRecoveryCodeAsync(caller.Username, hash, cancellation))
        {
            return VerificationResult.Of(VerificationOutcome.Invalid);
        }

        await audit.RecordAsync(AuditEventTypes.RecoveryCodeUsed, caller.Username, "used", cancellation: cancellation);

        return await BindAsync(caller, hash, cancellation);
    }

    /// <summary>Binds a consumed recovery code to the caller's credential, or finds whose it already is.</summary>
    private async ValueTask<VerificationResult> BindAsync(CallerIdentity caller, string hash, CancellationToken cancellation) =>
        (await recoveryCodeBindings.BindAsync(caller.Username, hash, caller.CredentialId, RecoveryCodeCommandWindow, cancellation)).IsOwner()
            ? new VerificationResult(VerificationOutcome.Verified, Factor: "recovery-code")
            : VerificationResult.Of(VerificationOutcome.Replayed);
}
