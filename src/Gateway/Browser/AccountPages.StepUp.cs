using Gateway.Accounts;
using Gateway.TwoFactor;

namespace Gateway.Browser;

/// <summary>
/// Step-up on the account page: a stolen session cookie alone must not change the account's factors. A change
/// runs when the form carries a second factor (checked now; it renews the step-up) or the session's step-up is
/// fresh (<see cref="StepUp"/>); otherwise the page asks for a second factor, or, for an account without one
/// yet, a new sign-in with the password.
/// </summary>
internal static partial class AccountPages
{
    /// <summary>What a change accepts as a proof.</summary>
    private enum FactorRule
    {
        /// <summary>Adding a factor: a second factor in the form, or a fresh step-up (the password when the account has no factor yet).</summary>
        Enrol,

        /// <summary>Adding a security key: only a fresh step-up (the form's WebAuthn fields belong to the new key).</summary>
        FreshOnly,

        /// <summary>Changing existing 2FA (remove, regenerate, mode): the account has 2FA, and a second factor in the form or a fresh step-up.</summary>
        FormOrFresh,

        /// <summary>The account has 2FA, and the form always carries a second factor (disabling 2FA, "Confirm it's you").</summary>
        FormOnly,
    }

    private static async Task<IResult> WithStepUpAsync(
        HttpContext context, IFormCollection form, AccountPageServices page, FactorRule rule, string change, Func<string, Task<IResult>> apply)
    {
        var (accounts, _, proof, stepUp, _, _, logger) = page;
        var user = context.User.Username();
        var hasTwoFactor = (await accounts.GetAsync(user, context.RequestAborted)).Mode != TwoFactorMode.Disabled;
        if (!hasTwoFactor && (rule is FactorRule.FormOrFresh or FactorRule.FormOnly))
        {
            return await RefuseAsync(context, page, "Two-factor authentication is not enabled: set up an authenticator app or a security key first.", 400);
        }

        if (hasTwoFactor && (rule == FactorRule.FormOnly || ((rule is FactorRule.FormOrFresh or FactorRule.Enrol) && SecondFactorProof.Carries(form))))
        {
            var result = await proof.VerifyAsync(context, user, context.User.BindingId(), form);
            if (result.Outcome != VerificationOutcome.Verified)
            {
                return await RefuseAsync(context, page, SecondFactorProof.Describe(result), result.Outcome == VerificationOutcome.LockedOut ? 429 : 401);
            }

            await stepUp.RecordSecondFactorAsync(context);
        }
        else if (!stepUp.IsFresh(context.User, hasTwoFactor))
        {
            LogStepUpRequired(logger, user, change);
            return await RefuseAsync(context, page, hasTwoFactor
                ? $"Confirm it's you first: this change needs a second factor from the last {stepUp.WindowText}. Nothing was changed."
                : $"Sign in again first: setting up a second factor needs your password from the last {stepUp.WindowText}. Nothing was changed.", 401);
        }

        return await apply(user);
    }

    /// <summary><c>POST /account/step-up</c>: prove a second factor now; the page's changes then need none for a while.</summary>
    private static Task<IResult> StepUpAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOnly, "confirm a second factor", _ =>
            ConfirmAsync(context, page, $"Confirmed. For the next {page.StepUp.WindowText} changes need no further second factor."));

    [LoggerMessage(EventId = LogEvents.AccountStepUpRequired, Level = LogLevel.Warning, Message = "Account of user {User}: refused to {Change} without a fresh step-up")]
    private static partial void LogStepUpRequired(ILogger logger, string user, string change);
}
