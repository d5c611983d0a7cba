using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Configuration;
using Gateway.WebAuthn;
using Microsoft.Extensions.Options;

namespace Gateway.TwoFactor;

/// <summary>
/// The two-factor core's account service: every rule of an account's factors, once, for both front ends
/// (npm's <c>profile enable-2fa</c> / <c>disable-2fa</c>, docs/PROTOCOL.md#62-enable-2fa, and the account
/// pages). Start enrolment (a new secret, pending), confirm it with a code (recovery codes issued), add a first
/// security key (2FA on, recovery codes issued), remove a factor (never the last one), change the mode,
/// regenerate recovery codes, disable (atomically, keys included). It knows no HTTP: callers have already
/// checked the password and, where the account has 2FA, a recent second factor (docs/SECURITY.md).
/// </summary>
internal sealed class TwoFactorAccounts(
    IUserTwoFactorStore accounts,
    SecretVault vault,
    RecoveryCodes recoveryCodes,
    FailureRegulator regulator,
    SecurityKeys keys,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    PackageRulesProvider packageRules)
{
    /// <returns>The <c>otpauth://</c> URL of the new, pending secret.</returns>
    public async ValueTask<string> StartAsync(string username, TwoFactorMode mode, CancellationToken cancellation)
    {
        var secret = TotpCodes.NewSecret();
        await accounts.SetPendingAsync(username, AtLeastRequired(username, mode), vault.Protect(username, secret), cancellation);
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

    /// <returns>Why the mode cannot change (a scope the user belongs to requires more), or null once it changed.</returns>
    public async ValueTask<string?> SetModeAsync(string username, TwoFactorMode mode, CancellationToken cancellation)
    {
        if (BelowScopeRequirement(username, mode) is { } refusal)
        {
            return refusal;
        }

        await accounts.SetModeAsync(username, mode, cancellation);
        return null;
    }

    /// <summary>
    /// After a security key was registered: when it is the account's first factor, 2FA is now on in
    /// <paramref name="mode"/>, with recovery codes in case the key is lost (returned, to be shown once).
    /// </summary>
    /// <returns>The new recovery codes, or null when the account already had 2FA.</returns>
    public async ValueTask<IReadOnlyList<string>?> KeyAddedAsync(string username, TwoFactorMode mode, CancellationToken cancellation)
    {
        if ((await accounts.GetAsync(username, cancellation)).Mode != TwoFactorMode.Disabled)
        {
            return null;
        }

        var codes = RecoveryCodes.Generate();
        await accounts.EnableWithoutSecretAsync(username, AtLeastRequired(username, mode == TwoFactorMode.Disabled ? TwoFactorMode.AuthAndWrites : mode),
            recoveryCodes.HashAll(username, codes), cancellation);
        return codes;
    }

    /// <summary>Removes the authenticator app, unless it is the account's only second factor.</summary>
    public async ValueTask<FactorRemoval> RemoveAuthenticatorAsync(string username, CancellationToken cancellation)
    {
        if (!await keys.HasKeysAsync(username, cancellation))
        {
            return FactorRemoval.OnlyFactor;
        }

        await accounts.RemoveSecretAsync(username, cancellation);
        return FactorRemoval.Removed;
    }

    /// <summary>Removes a security key, unless it is the account's only second factor.</summary>
    public async ValueTask<FactorRemoval> RemoveKeyAsync(string username, string keyId, CancellationToken cancellation)
    {
        var state = await accounts.GetAsync(username, cancellation);
        if (!state.HasTotp && (await keys.ListAsync(username, cancellation)).Count <= 1)
        {
            return FactorRemoval.OnlyFactor;
        }

        return await keys.RemoveAsync(username, keyId, cancellation) ? FactorRemoval.Removed : FactorRemoval.NotFound;
    }

    /// <summary>Turns 2FA off entirely, in one store transaction: the secret, every security key, the recovery codes and the mode.</summary>
    /// <returns>Why 2FA cannot be turned off (a scope the user belongs to requires it), or null once it is off.</returns>
    public async ValueTask<string?> DisableAsync(string username, CancellationToken cancellation)
    {
        if (BelowScopeRequirement(username, TwoFactorMode.Disabled) is { } refusal)
        {
            return refusal;
        }

        await accounts.DisableAsync(username, cancellation);
        return null;
    }

    /// <summary>Members of a scope that requires 2FA (config/package-rules.json) never go below its mode (npmjs's organisation rule).</summary>
    private string? BelowScopeRequirement(string username, TwoFactorMode mode)
    {
        var (required, scope) = packageRules.Current.MemberRequirement(username);
        return mode >= required ? null
            : mode == TwoFactorMode.Disabled ? $"You cannot remove 2FA while you are a member of {scope}, which requires two-factor authentication ({required.ToWire()})."
            : $"You cannot lower 2FA to {mode.ToWire()} while you are a member of {scope}, which requires {required.ToWire()}.";
    }

    private TwoFactorMode AtLeastRequired(string username, TwoFactorMode mode) =>
        packageRules.Current.MemberRequirement(username).Mode is var required && required > mode ? required : mode;

    public async ValueTask<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(string username, CancellationToken cancellation)
    {
        var codes = RecoveryCodes.Generate();
        await accounts.ReplaceRecoveryCodesAsync(username, recoveryCodes.HashAll(username, codes), cancellation);
        return codes;
    }
}
