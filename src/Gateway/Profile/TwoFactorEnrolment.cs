using Gateway.Accounts;
using Gateway.SecondFactor;
using Microsoft.Extensions.Options;
using Gateway.Configuration;

namespace Gateway.Profile;

/// <summary>
/// The 2FA life cycle of an account, as npm's <c>profile enable-2fa</c> / <c>disable-2fa</c> drive it
/// (docs/PROTOCOL.md#62-enable-2fa, #63-changing-the-mode-and-disable-2fa), and as the web pages will: start enrolment (a new secret, pending), confirm it
/// with a code (recovery codes issued), change mode, disable. Callers have already checked the
/// password and, where the account has 2FA, a second factor.
/// </summary>
internal sealed class TwoFactorEnrolment(
    IUserTwoFactorStore accounts,
    SecretVault vault,
    RecoveryCodes recoveryCodes,
    FailureRegulator regulator,
    WebAuthn.SecurityKeys keys,
    TimeProvider time,
    IOptions<GatewayOptions> options)
{
    /// <returns>The <c>otpauth://</c> URL of the new, pending secret.</returns>
    public async ValueTask<string> StartAsync(string username, TwoFactorMode mode, CancellationToken cancellation)
    {
        var secret = TotpCodes.NewSecret();
        await accounts.SetPendingAsync(username, mode, vault.Protect(username, secret), cancellation);
        return TotpCodes.OtpAuthUrl(options.Value.TotpIssuer, username, secret);
    }

    /// <summary>
    /// Checks the code against the pending secret as a regulated attempt (counted before it is checked,
    /// like every second factor, see <see cref="FailureRegulator.AttemptAsync"/>); when it matches, enables
    /// 2FA and issues recovery codes.
    /// </summary>
    public async ValueTask<EnrolmentConfirmation> ConfirmAsync(string username, UserTwoFactorState state, string code, CancellationToken cancellation)
    {
        if (state.PendingProtectedSecret is null)
        {
            return new EnrolmentConfirmation(null, null);
        }

        var secret = vault.Unprotect(username, state.PendingProtectedSecret);
        var (attempt, lockedFor) = await regulator.AttemptAsync(username, FailureRegulator.OtpScope,
            () => ValueTask.FromResult(TotpCodes.LooksLikeTotp(code.Trim()) && TotpCodes.Verify(secret, code.Trim(), time.GetUtcNow(), out _)),
            cancellation);
        if (attempt != FailureRegulator.AttemptOutcome.Succeeded)
        {
            return new EnrolmentConfirmation(null, attempt == FailureRegulator.AttemptOutcome.LockedOut ? lockedFor : null);
        }

        var codes = RecoveryCodes.Generate();
        await accounts.ConfirmAsync(username, state.PendingMode == TwoFactorMode.Disabled ? TwoFactorMode.AuthAndWrites : state.PendingMode,
            state.PendingProtectedSecret, recoveryCodes.HashAll(username, codes), cancellation);
        return new EnrolmentConfirmation(codes, null);
    }

    public ValueTask SetModeAsync(string username, TwoFactorMode mode, CancellationToken cancellation) =>
        accounts.SetModeAsync(username, mode, cancellation);

    /// <summary>Turns 2FA off entirely: the secret, every security key, the recovery codes and the mode.</summary>
    public async ValueTask DisableAsync(string username, CancellationToken cancellation)
    {
        foreach (var key in await keys.ListAsync(username, cancellation))
        {
            await keys.RemoveAsync(username, key.Id, cancellation);
        }

        await accounts.DisableAsync(username, cancellation);
    }

    public async ValueTask<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(string username, CancellationToken cancellation)
    {
        var codes = RecoveryCodes.Generate();
        await accounts.ReplaceRecoveryCodesAsync(username, recoveryCodes.HashAll(username, codes), cancellation);
        return codes;
    }
}
