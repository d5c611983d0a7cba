using Gateway.Accounts;
using Gateway.Identity;
using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.SecondFactor;

/// <summary>
/// Checks an <c>npm-otp</c> value for a caller: a TOTP from the user's authenticator, or one of their
/// recovery codes. npm sends the same code on every request of one command (and on the retry of a
/// whole sequence), so an accepted code is bound to the credential that first used it: that credential
/// may reuse it until the code's window ends; any other credential presenting it is a replay.
/// </summary>
internal sealed class OtpVerifier(
    IUserTwoFactorStore accounts,
    BrowserFlows.WebOtpTokens webTokens,
    SecretVault vault,
    RecoveryCodes recoveryCodes,
    FailureRegulator regulator,
    IConnectionMultiplexer store,
    TimeProvider time,
    [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    /// <summary>A recovery code stays good for the rest of the npm command that spent it.</summary>
    private static readonly TimeSpan RecoveryCodeCommandWindow = TimeSpan.FromMinutes(5);

    public ValueTask<VerificationResult> VerifyAsync(CallerIdentity caller, string? otp, CancellationToken cancellation) =>
        VerifyAsync(caller, otp, request: null, cancellation);

    /// <param name="request">The request being authorised: a web-OTP token is good only for the action and package it was approved for.</param>
    public async ValueTask<VerificationResult> VerifyAsync(CallerIdentity caller, string? otp, Policy.RequestClassification? request, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(otp))
        {
            return VerificationResult.Of(VerificationOutcome.Missing);
        }

        try
        {
            // Both reads go out together (one round trip's latency); WhenAll observes both if either fails.
            var stateTask = accounts.GetAsync(caller.Username, cancellation).AsTask();
            var lockTask = regulator.CheckAsync(caller.Username, cancellation).AsTask();
            await Task.WhenAll(stateTask, lockTask);
            var (lockedFor, hasFailures) = lockTask.Result;
            var state = stateTask.Result;
            if (lockedFor is not null)
            {
                return new VerificationResult(VerificationOutcome.LockedOut, lockedFor);
            }

            var result = await CheckCodeAsync(caller, state, otp.Trim(), request, cancellation);
            return await RegulateAsync(caller.Username, result, hasFailures, cancellation);
        }
        catch (DependencyUnavailableException)
        {
            return VerificationResult.Of(VerificationOutcome.StoreUnavailable);
        }
    }

    private async ValueTask<VerificationResult> RegulateAsync(string username, VerificationResult result, bool hadFailures, CancellationToken cancellation)
    {
        if (result.Outcome == VerificationOutcome.Verified)
        {
            if (hadFailures)
            {
                await regulator.ResetAsync(username, cancellation);
            }

            return result;
        }

        var lockout = await regulator.RecordFailureAsync(username, cancellation);
        return lockout is null ? result : result with { RetryAfter = lockout };
    }

    private ValueTask<VerificationResult> CheckCodeAsync(CallerIdentity caller, UserTwoFactorState state, string otp, Policy.RequestClassification? request, CancellationToken cancellation)
    {
        if (BrowserFlows.WebOtpTokens.LooksLikeToken(otp))
        {
            return webTokens.VerifyAsync(caller, otp, request, cancellation);
        }

        if (TotpCodes.LooksLikeTotp(otp))
        {
            if (state.ProtectedSecret is null)
            {
                return ValueTask.FromResult(VerificationResult.Of(VerificationOutcome.Invalid));
            }

            var secret = vault.Unprotect(caller.Username, state.ProtectedSecret);
            return TotpCodes.Verify(secret, otp, time.GetUtcNow(), out var step)
                ? BindAsync(StoreKeys.UsedTotp(caller.Username, step), caller, TotpCodes.AcceptedUntil(step) - time.GetUtcNow(), "totp", cancellation)
                : ValueTask.FromResult(VerificationResult.Of(VerificationOutcome.Invalid));
        }

        return RecoveryCodes.LooksLikeRecoveryCode(otp)
            ? CheckRecoveryCodeAsync(caller, otp, cancellation)
            : ValueTask.FromResult(VerificationResult.Of(VerificationOutcome.Invalid));
    }

    private async ValueTask<VerificationResult> CheckRecoveryCodeAsync(CallerIdentity caller, string code, CancellationToken cancellation)
    {
        var hash = recoveryCodes.Hash(caller.Username, code);
        var usedKey = StoreKeys.UsedRecoveryCode(caller.Username, hash);
        var boundTo = await guard.ExecuteAsync(async _ => (string?)await store.GetDatabase().StringGetAsync(usedKey), cancellation);
        if (boundTo is not null)
        {
            return boundTo == caller.CredentialId
                ? new VerificationResult(VerificationOutcome.Verified, Factor: "recovery-code")
                : VerificationResult.Of(VerificationOutcome.Replayed);
        }

        return await accounts.ConsumeRecoveryCodeAsync(caller.Username, hash, cancellation)
            ? await BindAsync(usedKey, caller, RecoveryCodeCommandWindow, "recovery-code", cancellation)
            : VerificationResult.Of(VerificationOutcome.Invalid);
    }

    /// <summary>Binds an accepted code to the caller's credential, or finds whose it already is.</summary>
    private async ValueTask<VerificationResult> BindAsync(RedisKey key, CallerIdentity caller, TimeSpan lifetime, string factor, CancellationToken cancellation)
    {
        var owner = await guard.ExecuteAsync(async _ =>
        {
            var db = store.GetDatabase();
            if (await db.StringSetAsync(key, caller.CredentialId, lifetime, When.NotExists))
            {
                return caller.CredentialId;
            }

            return (string?)await db.StringGetAsync(key);
        }, cancellation);

        return owner == caller.CredentialId
            ? new VerificationResult(VerificationOutcome.Verified, Factor: factor)
            : VerificationResult.Of(VerificationOutcome.Replayed);
    }
}
