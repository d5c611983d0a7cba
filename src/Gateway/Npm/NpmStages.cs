using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// The gateway's stages, in request order. This is the one place the order is written:
/// route policy → (reads presenting a recorded token: its limits) → (password logins: the client network's guesses) → identity → user mode → token and package rules →
/// a login's password → second factor →
/// (package rule changes answered here; created tokens recorded around the forward) → (profile 2FA answered here) →
/// forward (YARP), or a challenge from the second-factor stage.
/// </summary>
internal static class NpmStages
{
    public static IReverseProxyApplicationBuilder UseNpmStages(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.UseMiddleware<ClassificationMiddleware>();
        // Reads that present a bearer token get its recorded limits; synchronous once the token's record is cached.
        pipeline.UseMiddleware<TokenLimitsMiddleware>();
        // Reads (class none) skip the stages that only act on protected requests: the read path costs the
        // classification, and for a bearer token a cached record lookup (docs/ARCHITECTURE.md, "The read path costs nothing").
        pipeline.UseWhen(IsProtected, protectedRequest =>
        {
            // Password logins, whatever the account: counted per client network, wrong ones answered no sooner than a floor.
            protectedRequest.UseMiddleware<LoginGuessMiddleware>();
            protectedRequest.UseMiddleware<IdentityMiddleware>();
            protectedRequest.UseMiddleware<AuditActorMiddleware>();
            protectedRequest.UseMiddleware<ModeMiddleware>();
            protectedRequest.UseMiddleware<WriteRulesMiddleware>();
            protectedRequest.UseMiddleware<LoginPasswordMiddleware>();
            protectedRequest.UseMiddleware<SecondFactorMiddleware>();
            protectedRequest.UseMiddleware<PackageRuleMiddleware>();
            protectedRequest.UseMiddleware<TokenLedgerMiddleware>();
            protectedRequest.UseMiddleware<PublisherLedgerMiddleware>();
        });
        pipeline.UseMiddleware<LogoutMiddleware>();
        pipeline.UseMiddleware<ProfileTfaMiddleware>();
        pipeline.UseMiddleware<TokenListMiddleware>();
        return pipeline;
    }

    private static bool IsProtected(HttpContext context) => context.GatewayFeature().Classification.Class != ProtectionClass.None;
}
