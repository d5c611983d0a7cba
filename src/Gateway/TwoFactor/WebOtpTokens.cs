using System.Globalization;
using Gateway.Identity;
using Gateway.Policy;
using Gateway.Security;
using Gateway.Store;

namespace Gateway.TwoFactor;

/// <summary>
/// The token a web-OTP flow hands the CLI, which sends it back as <c>npm-otp</c>. The user approved one
/// request on the page (method, target and what its body says, shown there; the body bound by its SHA-256),
/// made with one credential: the token is good for exactly that request — same credential, method, target and
/// body hash — once. Then, within its short lifetime, for the follow-up requests the approved command sends
/// (route-policy rules marked <c>followUp</c>, docs/PROTOCOL.md#33-unpublish-and-where-to-challenge and
/// #51-the-three-requests) by the same credential, for the same action and package, each spending one of a
/// budget fixed at approval (<see cref="FollowUpBudget"/>). Anything else presenting it is refused.
/// </summary>
internal sealed class WebOtpTokens(WebOtpRecords records, KeyedHasher hasher)
{
    public const string Prefix = "gwotp_";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly string[] Fields = ["user", "action", "package", "credential", "method", "target", "bodyHash"];

    public static bool LooksLikeToken(string otp) => FlowIds.IsWellFormed(otp, Prefix);

    /// <summary>
    /// How many follow-up requests an approved request implies: the tarball DELETE after the PUT of a
    /// single-version unpublish, the second PUT of a couch login after its first; none for anything else.
    /// </summary>
    public static int FollowUpBudget(string action, string method) =>
        NpmAction.TryFind(action, out var approved) && (approved == NpmAction.Unpublish || approved == NpmAction.Login)
        && string.Equals(method, "PUT", StringComparison.OrdinalIgnoreCase) ? 1 : 0;

    /// <summary>Issues the token for an approved web-OTP flow (which recorded the request, its body's hash and the credential).</summary>
    public async ValueTask<string> IssueAsync(BrowserFlow flow, CancellationToken cancellation)
    {
        if (flow is not { User: { } user, Action: { } action, CredentialId: { } credential, Request: { BodySha256: { } bodyHash } request })
        {
            throw new InvalidOperationException("A web-OTP flow records its user, action, credential, request and body hash.");
        }

        var token = FlowIds.New(Prefix);
        await records.IssueAsync(Hash(token),
        [
            new("user", user), new("action", action), new("package", flow.Package ?? ""), new("credential", credential),
            new("method", request.Method), new("target", request.Target), new("bodyHash", bodyHash),
            new("followUps", FollowUpBudget(action, request.Method).ToString(CultureInfo.InvariantCulture)),
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
        if (v[0] != caller.Username || v[3] != caller.CredentialId || !NpmAction.TryFind(v[1], out var approvedAction) || approvedAction != classification.Action || v[2] != (classification.Package ?? ""))
        {
            return VerificationResult.Of(VerificationOutcome.Invalid);
        }

        var target = request.Target;
        if (v[4] == target.Method && v[5] == target.Target && !string.IsNullOrEmpty(v[6]) && v[6] == target.BodySha256
            && await records.ClaimAsync(tokenHash, cancellation))
        {
            return new VerificationResult(VerificationOutcome.Verified, Factor: "web");
        }

        // After the approved request itself, the rest of the same npm command, counted.
        return classification.FollowUp && await records.SpendFollowUpAsync(tokenHash, cancellation)
            ? new VerificationResult(VerificationOutcome.Verified, Factor: "web")
            : VerificationResult.Of(VerificationOutcome.Replayed);
    }

    private string Hash(string token) => hasher.Hash("web-otp-token", token);
}
