using Gateway.Automation;
using Gateway.Npm;
using Gateway.Resilience;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm logout</c> (<c>DELETE /-/user/token/&lt;token&gt;</c>, presenting that same token): once the registry answered
/// 2xx, the gateway ends the token's record, so the token is refused from then on even by registries whose logout
/// revokes nothing (Verdaccio 6.8 only answers "Logged out"). Only the token that authenticates the request and is
/// named by it is ended: logging out proves possession of nothing else (the decision's <c>EndLoggedOutToken</c>). A logout
/// without a credential never gets here (<see cref="Policy.NpmAction.NeedsCredential"/>).
/// </summary>
internal sealed partial class LogoutEndpoint(TokenLedger tokens, ILogger<LogoutEndpoint> logger)
{
    public Task HandleAsync(HttpContext context) =>
        context.GatewayFeature().Decision.Record.EndLoggedOutToken && TokenLedger.BearerToken(context.Request.Headers.Authorization.ToString()) is { } token
            ? LogOutAsync(context, token)
            : RegistryForward.ForwardAsync(context);

    private async Task LogOutAsync(HttpContext context, string token)
    {
        await RegistryForward.ForwardAsync(context);
        if (context.Response.StatusCode is < 200 or > 299)
        {
            return;
        }

        try
        {
            if (await tokens.EndAsync(token, context.RequestAborted))
            {
                LogEnded(logger);
            }
        }
        catch (DependencyUnavailableException)
        {
            // The registry logged the token out; the gateway could not end its record, which then still only allows what it did.
            LogNotEnded(logger);
        }
    }

    [LoggerMessage(EventId = LogEvents.TokenLoggedOut, Level = LogLevel.Information, Message = "A token was logged out: its record now refuses it")]
    private static partial void LogEnded(ILogger logger);

    [LoggerMessage(EventId = LogEvents.TokenLogoutNotRecorded, Level = LogLevel.Warning, Message = "A token was logged out at the registry, but the store could not end its record")]
    private static partial void LogNotEnded(ILogger logger);
}
