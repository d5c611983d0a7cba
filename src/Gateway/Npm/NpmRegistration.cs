namespace Gateway.Npm;

/// <summary>
/// The npm front end: the stages on the proxy route (<see cref="NpmStages"/>), the challenge, and the two
/// endpoints npm's web flows poll and start (<c>doneUrl</c>, <c>POST /-/v1/login</c>).
/// </summary>
internal static class NpmRegistration
{
    public static WebApplicationBuilder AddNpmFrontEnd(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChallengeWriter>();
        builder.Services.AddSingleton<SecondFactorDecisions>();
        builder.Services.AddSingleton<ApprovalBodies>();
        return builder;
    }

    public static WebApplication MapNpmApi(this WebApplication app)
    {
        app.MapBrowserFlowDone();
        app.MapWebLogin();
        return app;
    }
}
