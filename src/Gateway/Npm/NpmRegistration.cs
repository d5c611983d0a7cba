namespace Gateway.Npm;

/// <summary>The npm front end's services: the stages' collaborators (<see cref="NpmStages"/>) and the table of the gateway's own endpoints.</summary>
internal static class NpmRegistration
{
    public static WebApplicationBuilder AddNpmFrontEnd(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChallengeWriter>();
        builder.Services.AddSingleton<DecisionAudit>();
        builder.Services.AddSingleton<ApprovalBodies>();
        builder.Services.AddSingleton<NpmEndpointTable>();
        return builder;
    }
}
