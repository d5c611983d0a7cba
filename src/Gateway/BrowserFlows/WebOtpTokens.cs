using Gateway.Identity;
using Gateway.Policy;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.SecondFactor;
using StackExchange.Redis;

namespace Gateway.BrowserFlows;

/// <summary>
/// The token a web-OTP flow hands the CLI, which sends it back as <c>npm-otp</c>. It is short-lived and
/// good only for the user and the npm action (and package) the user approved in the browser. Like a
/// TOTP, it is bound to the first credential that presents it, so the requests of that one npm command
/// (an unpublish is several) pass and no other client can use it.
/// </summary>
internal sealed class WebOtpTokens(
    IConnectionMultiplexer store,
    KeyedHasher hasher,
    [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    public const string Prefix = "gwotp_";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static bool LooksLikeToken(string otp) => FlowIds.IsWellFormed(otp, Prefix);

    public async ValueTask<string> IssueAsync(string user, string action, string? package, CancellationToken cancellation)
    {
        var token = FlowIds.New(Prefix);
        var key = Key(token);
        await guard.ExecuteAsync(async ct =>
        {
            var tx = store.GetDatabase().CreateTransaction();
            _ = tx.HashSetAsync(key, [new("user", user), new("action", action), new("package", package ?? "")]);
            _ = tx.KeyExpireAsync(key, Lifetime);
            return await tx.ExecuteAsync();
        }, cancellation);
        return token;
    }

    public async ValueTask<VerificationResult> VerifyAsync(CallerIdentity caller, string token, RequestClassification? request, CancellationToken cancellation)
    {
        var key = Key(token);
        var values = await guard.ExecuteAsync(async ct => await store.GetDatabase().HashGetAsync(key, ["user", "action", "package"]), cancellation);
        if (values[0] != caller.Username || request is null || values[1] != request.Action || values[2] != (request.Package ?? ""))
        {
            return VerificationResult.Of(VerificationOutcome.Invalid);
        }

        var owner = await guard.ExecuteAsync(async ct =>
        {
            var db = store.GetDatabase();
            await db.HashSetAsync(key, "credential", caller.CredentialId, When.NotExists);
            return (string?)await db.HashGetAsync(key, "credential");
        }, cancellation);
        return owner == caller.CredentialId
            ? new VerificationResult(VerificationOutcome.Verified, Factor: "web")
            : VerificationResult.Of(VerificationOutcome.Replayed);
    }

    private RedisKey Key(string token) => "gw:webotp:" + hasher.Hash("web-otp-token", token);
}
