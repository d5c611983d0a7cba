using Gateway.Accounts;
using Gateway.Audit;
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
    PackageRuleBook packageRules,
    AuditTrail audit)
{
    /// <returns>The <c>otpauth://</c> URL of the new, pending secret.</returns>
    public async ValueTask<string> StartAsync(string username, TwoFactorMode mode, CancellationToken cancellation)
    {
        var secret = TotpCodes.NewSecret();
        var pending = await AtLeastRequiredAsync(username, mode, cancellation);
        await accounts.SetPendingAsync(username, pending, vault.Protect(username, secret), cancellation);
        await RecordAsync(AuditEventTypes.EnrolmentStarted, username, pending.ToWire(), cancellation);
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
            await RecordAsync(AuditEventTypes.EnrolmentRefused, username, attempt == FailureRegulator.AttemptOutcome.LockedOut ? "locked" : "invalid", cancellation);
            return new EnrolmentConfirmation(null, attempt == FailureRegulator.AttemptOutcome.LockedOut ? lockedFor : null);
        }

        var codes = RecoveryCodes.Generate();
        var mode = state.PendingMode == TwoFactorMode.Disabled ? TwoFactorMode.AuthAndWrites : state.PendingMode;
        await accounts.ConfirmAsync(username, mode, state.PendingProtectedSecret, recoveryCodes.HashAll(username, codes), cancellation);
        await (state.Mode == TwoFactorMode.Disabled
            ? RecordAsync(AuditEventTypes.TwoFactorEnabled, username, mode.ToWire(), cancellation)
            : RecordAsync(AuditEventTypes.FactorAdded, username, "totp", cancellation));
        return new EnrolmentConfirmation(codes, null);
    }

    /// <returns>Why the mode cannot change (a scope the user belongs to requires more), or null once it changed.</returns>
    public async ValueTask<string?> SetModeAsync(string username, TwoFactorMode mode, CancellationToken cancellation)
    {
        if (await BelowScopeRequirementAsync(username, mode, cancellation) is { } refusal)
        {
            return refusal;
        }

        await accounts.SetModeAsync(username, mode, cancellation);
        await RecordAsync(AuditEventTypes.ModeChanged, username, mode.ToWire(), cancellation);
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
            await RecordAsync(AuditEventTypes.FactorAdded, username, "security-key", cancellation);
            return null;
        }

        var codes = RecoveryCodes.Generate();
        var enabled = await AtLeastRequiredAsync(username, mode == TwoFactorMode.Disabled ? TwoFactorMode.AuthAndWrites : mode, cancellation);
        await accounts.EnableWithoutSecretAsync(username, enabled, recoveryCodes.HashAll(username, codes), cancellation);
        await RecordAsync(AuditEventTypes.TwoFactorEnabled, username, enabled.ToWire(), cancellation);
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
        await RecordAsync(AuditEventTypes.FactorRemoved, username, "totp", cancellation);
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

        if (!await keys.RemoveAsync(username, keyId, cancellation))
        {
            return FactorRemoval.NotFound;
        }

        await RecordAsync(AuditEventTypes.FactorRemoved, username, "security-key", cancellation);
        return FactorRemoval.Removed;
    }

    /// <summary>Turns 2FA off entirely, in one store transaction: the secret, every security key, the recovery codes and the mode.</summary>
    /// <returns>Why 2FA cannot be turned off (a scope the user belongs to requires it), or null once it is off.</returns>
    public async ValueTask<string?> DisableAsync(string username, CancellationToken cancellation)
    {
        if (await BelowScopeRequirementAsync(username, TwoFactorMode.Disabled, cancellation) is { } refusal)
        {
            return refusal;
        }

        await accounts.DisableAsync(username, cancellation);
        await RecordAsync(AuditEventTypes.TwoFactorDisabled, username, "disabled", cancellation);
        return null;
    }

    /// <summary>
    /// Members of a scope that requires 2FA (config/package-rules.json: listed, or maintaining a package in it) never
    /// go below its mode (npmjs's organisation rule).
    /// </summary>
    private async ValueTask<string?> BelowScopeRequirementAsync(string username, TwoFactorMode mode, CancellationToken cancellation)
    {
        var (required, scope) = await packageRules.MemberRequirementAsync(username, cancellation);
        return mode >= required ? null
            : mode == TwoFactorMode.Disabled ? $"You cannot remove 2FA while you are a member of {scope}, which requires two-factor authentication ({required.ToWire()})."
            : $"You cannot lower 2FA to {mode.ToWire()} while you are a member of {scope}, which requires {required.ToWire()}.";
    }

    private async ValueTask<TwoFactorMode> AtLeastRequiredAsync(string username, TwoFactorMode mode, CancellationToken cancellation) =>
        (await packageRules.MemberRequirementAsync(username, cancellation)).Mode is var required && required > mode ? required : mode;

    public async ValueTask<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(string username, CancellationToken cancellation)
    {
        var codes = RecoveryCodes.Generate();
        await accounts.ReplaceRecoveryCodesAsync(username, recoveryCodes.HashAll(username, codes), cancellation);
        await RecordAsync(AuditEventTypes.RecoveryCodesRegenerated, username, "regenerated", cancellation);
        return codes;
    }

    private ValueTask RecordAsync(string type, string username, string outcome, CancellationToken cancellation) =>
        audit.RecordAsync(type, username, outcome, cancellation: cancellation);
}
