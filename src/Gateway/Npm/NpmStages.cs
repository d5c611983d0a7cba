namespace Gateway.Npm;

/// <summary>
/// The gateway's stages, in request order. This is the one place the order is written:
/// route policy → identity → user mode → a login's password → second factor → (profile 2FA answered here) → forward (YARP),
/// or a challenge from the second-factor stage.
/// </summary>
internal static class NpmStages
{
    public static IReverseProxyApplicationBuilder UseNpmStages(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.UseMiddleware<ClassificationMiddleware>();
        pipeline.UseMiddleware<IdentityMiddleware>();
        pipeline.UseMiddleware<ModeMiddleware>();
        pipeline.UseMiddleware<LoginPasswordMiddleware>();
        pipeline.UseMiddleware<SecondFactorMiddleware>();
        pipeline.UseMiddleware<ProfileTfaMiddleware>();
        return pipeline;
    }
}
