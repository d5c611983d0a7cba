using Gateway.Identity;
using Gateway.TwoFactor;
using Gateway.WebAuthn;

namespace Gateway.Browser;

/// <summary>
/// Checks the second factor a page's form carries: a security-key assertion (hidden fields filled by the
/// script) or a code (TOTP or recovery code). Failures of either are regulated like the CLI's.
/// </summary>
internal sealed class SecondFactorProof(OtpVerifier codes, SecurityKeys keys, FailureRegulator regulator)
{
    /// <param name="bindingId">What an accepted code is bound to (a browser session or flow), as for the CLI's credentials.</param>
    public async ValueTask<VerificationResult> VerifyAsync(HttpContext context, string username, string bindingId, IFormCollection form)
    {
        var ceremonyId = form["ceremonyId"].ToString();
        var credential = form["credential"].ToString();
        if (ceremonyId.Length == 0 || credential.Length == 0)
        {
            return await codes.VerifyAsync(new CallerIdentity(username, bindingId), form["code"].ToString(), context.RequestAborted);
        }

        var (attempt, lockedFor) = await regulator.AttemptAsync(username, FailureRegulator.OtpScope,
            async () => (await keys.CompleteAssertionAsync(username, ceremonyId, credential, context, context.RequestAborted)).Succeeded,
            context.RequestAborted);
        return attempt switch
        {
            FailureRegulator.AttemptOutcome.LockedOut => new VerificationResult(VerificationOutcome.LockedOut, lockedFor),
            FailureRegulator.AttemptOutcome.Failed => new VerificationResult(VerificationOutcome.Invalid, lockedFor),
            _ => new VerificationResult(VerificationOutcome.Verified, Factor: "security-key"),
        };
    }

    /// <summary>The words a page shows for a refused second factor (never which check failed).</summary>
    public static string Describe(VerificationResult result) => result.Outcome switch
    {
        VerificationOutcome.Missing => "Enter a one-time password or recovery code, or use your security key.",
        VerificationOutcome.LockedOut => $"Too many failed attempts. Try again in {(int)Math.Ceiling(result.RetryAfter?.TotalSeconds ?? 30)} seconds.",
        _ => "That second factor was not accepted.",
    };
}
