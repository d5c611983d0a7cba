using Gateway.Configuration;
using Gateway.Policy;
using Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Gateway.Npm;

/// <summary>
/// The npm stages, in request order; the one place the order is written (docs/ARCHITECTURE.md, "One decision"):
/// route policy → (a bearer token: its shape and recorded limits) → (password logins: the client network's guesses) →
/// who is calling and the one decision → the enforcement point → the registry (the proxy route, recording around the
/// forward) or the gateway's own endpoint for the action.
/// </summary>
internal static class NpmStages
{
    /// <summary>
    /// Runs the stages for every request routed to the registry or to a gateway endpoint npm calls (<see cref="NpmRequest"/>);
    /// the gateway's pages, health and metrics are not npm requests.
    /// </summary>
    public static WebApplication UseNpmStages(this WebApplication app)
    {
        app.UseWhen(NpmRequest.Is, npm =>
        {
            npm.UseMiddleware<ClassificationMiddleware>();
            // Every request that presents a bearer token: its recorded limits; synchronous once the token's record is cached.
            npm.UseMiddleware<TokenLimitsMiddleware>();
            // Password logins, whatever the account: counted per client network, wrong ones answered no sooner than a floor.
            npm.UseMiddleware<LoginGuessMiddleware>();
            // Reads are decided without any lookup: the read path costs the classification and, for a bearer token, a
            // cached record lookup (docs/ARCHITECTURE.md, "The read path costs nothing").
            npm.UseMiddleware<DecisionMiddleware>();
            npm.UseMiddleware<EnforcementMiddleware>();
        });
        return app;
    }

    /// <summary>
    /// The proxy route's own stages: a direct publish of a staged version refused, what is recorded around the registry's
    /// answer and, with an upstream or the gateway under a path, the tarball URLs of packuments pointed at the gateway;
    /// then YARP forwards.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseForwardRecording(this IReverseProxyApplicationBuilder pipeline)
    {
        if (pipeline.ApplicationServices.GetRequiredService<RegistryUris>().TarballBases is not null)
        {
            pipeline.UseMiddleware<TarballUrlMiddleware>();
        }

        // A direct publish of a version a stage holds: 409 before anything reaches the registry (its stages are the gateway's).
        if (pipeline.ApplicationServices.GetRequiredService<IOptions<StagingOptions>>().Value.AnsweredByGateway)
        {
            pipeline.UseMiddleware<StagedVersionMiddleware>();
        }

        // The registry never sees a trusted workflow's token, only the configured registry credential.
        pipeline.UseMiddleware<TrustedPublisherCredentialMiddleware>();
        pipeline.UseMiddleware<TokenLedgerMiddleware>();
        pipeline.UseMiddleware<PublisherLedgerMiddleware>();
        return pipeline;
    }
}

/// <summary>Endpoint metadata: an npm request, which goes through <see cref="NpmStages"/> (the proxy route, and the <c>doneUrl</c> npm polls).</summary>
internal sealed class NpmRequest
{
    public static readonly NpmRequest Instance = new();

    private NpmRequest()
    {
    }

    public static bool Is(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<NpmRequest>() is not null;
}
