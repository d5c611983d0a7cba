namespace Gateway.Configuration;

internal static class ServiceValidation
{
    /// <summary>
    /// Checks every registration when the container is built, in every environment (ASP.NET Core does so only in
    /// Development): a service whose dependency is not registered, or a singleton that would hold a scoped
    /// service, stops start-up instead of failing the first request that needs it. The 2FA core takes its
    /// collaborators (audit trail, metrics, mode cache, replica confirmation) as required constructor parameters
    /// for the same reason: a missing registration must not quietly turn auditing off.
    /// </summary>
    public static WebApplicationBuilder ValidateServicesOnBuild(this WebApplicationBuilder builder)
    {
        builder.Host.UseDefaultServiceProvider(provider =>
        {
            provider.ValidateOnBuild = true;
            provider.ValidateScopes = true;
        });
        return builder;
    }
}
