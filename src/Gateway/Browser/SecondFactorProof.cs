using Gateway.Identity;
using Gateway.TwoFactor;

namespace Gateway.Browser;

/// <summary>
/// Reads the second factor a page's form carries — a security-key assertion (hidden fields filled by the
/// script) or a code (TOTP or recovery code) — and has the core's <see cref="SecondFactorVerifier"/> judge it.
/// </summary>
internal sealed class SecondFactorProof(SecondFactorVerifier verifier)
{
    /// <param name="bindingId">What an accepted code is bound to: a browser session, or on an approval page the credential that opened the flow.</param>
    public ValueTask<VerificationResult> VerifyAsync(HttpContext context, string username, string bindingId, IFormCollection form)
    {
        var ceremonyId = form["ceremonyId"].ToString();
        var credential = form["credential"].ToString();
        return ceremonyId.Length == 0 || credential.Length == 0
            ? verifier.VerifyAsync(new CallerIdentity(username, bindingId), form["code"].ToString(), context.RequestAborted)
            : verifier.VerifySecurityKeyAsync(username, ceremonyId, credential, context, context.RequestAborted);
    }

    /// <summary>Whether the form carries a second factor at all (a code, or a security key's assertion).</summary>
    public static bool Carries(IFormCollection form) =>
        !string.IsNullOrWhiteSpace(form["code"]) || (form["ceremonyId"].ToString().Length > 0 && form["credential"].ToString().Length > 0);

    /// <summary>The words a page shows for a refused second factor (never which check failed).</summary>
    public static string Describe(VerificationResult result) => result.Outcome switch
    {
        VerificationOutcome.Missing => "Enter a one-time password or recovery code, or use your security key.",
        VerificationOutcome.LockedOut => $"Too many failed attempts. Try again in {(int)Math.Ceiling(result.RetryAfter?.TotalSeconds ?? 30)} seconds.",
        _ => "That second factor was not accepted.",
    };
}
