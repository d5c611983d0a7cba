using Gateway.Automation;
using Gateway.Policy;
using Gateway.TrustedPublishing;
using Microsoft.Extensions.Options;

namespace Gateway.Npm;

/// <summary>
/// On the proxy route, before anything is forwarded: a request presenting a trusted workflow's token (minted by the
/// gateway, unknown to the registry) goes on with <c>Gateway:TrustedPublishing:RegistryToken</c> instead, once its
/// record allowed it (stage 1b) and — for a write — the decision did (stage 3). A gateway token that was not allowed so
/// (the store could not check it) is removed rather than forwarded: the registry never sees it, and never gets the
/// registry credential for a request nobody checked (docs/SECURITY.md, "Trusted publishing").
/// </summary>
internal sealed partial class TrustedPublisherCredentialMiddleware(RequestDelegate next, IOptions<TrustedPublishingOptions> options, ILogger<TrustedPublisherCredentialMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        if (feature.TrustedPublisher is { } publisher && (feature.Classification.Class == ProtectionClass.None || feature.Decision.TrustedPublisher is not null)
            && options.Value.RegistryToken is { Length: > 0 } registryToken)
        {
            context.Request.Headers.Authorization = "Bearer " + registryToken;
            if (feature.Classification.Class != ProtectionClass.None)
            {
                LogForwarded(logger, feature.Classification.Action.Name, feature.Classification.Package, publisher.Describe());
            }
        }
        else if (TrustedPublisher.IsExchangedToken(TokenLedger.BearerToken(context.Request.Headers.Authorization.ToString())))
        {
            context.Request.Headers.Authorization = default;
        }

        return next(context);
    }

    [LoggerMessage(EventId = LogEvents.TrustedPublisherForwarded, Level = LogLevel.Information,
        Message = "{Action} of {Package} forwarded with the trusted-publishing registry credential for {Workflow}")]
    private static partial void LogForwarded(ILogger logger, string action, string? package, string workflow);
}
