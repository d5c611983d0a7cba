using System.Globalization;
using Gateway.Identity;
using Gateway.Security;
using Gateway.Store;

namespace Gateway.TwoFactor;

/// <summary>
/// The token a web-OTP flow hands the CLI, which sends it back as <c>npm-otp</c>. The user approved one
/// request on the page (method, target, body length, shown there), made with one credential: the token is
/// good for exactly that request, once, and then, within its short lifetime, only for the follow-up
/// requests of the same npm command (route-policy rules marked <c>followUp</c>: the tarball DELETE of a
/// single-version unpublish, the second PUT of a couch login) by the same credential, for the same action
/// and package. Anything else presenting it is refused.
/// </summary>
internal sealed class WebOtpTokens(WebOtpRecords records, KeyedHasher hasher)
{
    public const string Prefix = "gwotp_";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly string[] Fields = ["user", "action", "package", "credential", "method", "target", "length", "used"];

    public static bool LooksLikeToken(string otp) => FlowIds.IsWellFormed(otp, Prefix);

    /// <summary>Issues the token for an approved web-OTP flow (which records the request and the credential).</summary>
    public async ValueTask<string> IssueAsync(BrowserFlow flow, CancellationToken cancellation)
    {
        if (flow is not { User: { } user, Action: { } action, CredentialId: { } credential, Request: { } request })
        {
            throw new InvalidOperationException("A web-OTP flow records its user, action, credential and request.");
        }

        var token = FlowIds.New(Prefix);
        await records.IssueAsync(Hash(token),
        [
            new("user", user), new("action", action), new("package", flow.Package ?? ""), new("credential", credential),
            new("method", request.Method), new("target", request.Target), new("length", Length(request.ContentLength)),
        ], Lifetime, cancellation);
        return token;
    }

    public async ValueTask<VerificationResult> VerifyAsync(CallerIdentity caller, string token, ProtectedRequest? request, CancellationToken cancellation)
    {
        if (request is null)
        {
            return VerificationResult.Of(VerificationOutcome.Invalid); // a page's form never takes a web-OTP token
        }

        var tokenHash = Hash(token);
        var v = await records.ReadAsync(tokenHash, Fields, cancellation);
        var classification = request.Classification;
        if (v[0] != caller.Username || v[3] != caller.CredentialId || v[1] != classification.Action || v[2] != (classification.Package ?? ""))
        {
            return VerificationResult.Of(VerificationOutcome.Invalid);
        }

        var target = request.Target;
        if (v[4] == target.Method && v[5] == target.Target && v[6] == Length(target.ContentLength)
            && await records.ClaimAsync(tokenHash, cancellation))
        {
            return new VerificationResult(VerificationOutcome.Verified, Factor: "web");
        }

        // After the approved request itself, the rest of the same npm command.
        return classification.FollowUp && (v[7] is not null || await records.IsClaimedAsync(tokenHash, cancellation))
            ? new VerificationResult(VerificationOutcome.Verified, Factor: "web")
            : VerificationResult.Of(VerificationOutcome.Replayed);
    }

    private static string Length(long? length) => length?.ToString(CultureInfo.InvariantCulture) ?? "";

    private string Hash(string token) => hasher.Hash("web-otp-token", token);
}
