using Gateway.Automation;
using Gateway.Resilience;

namespace Gateway.Npm;

/// <summary>
/// <c>npm logout</c> (<c>DELETE /-/user/token/&lt;token&gt;</c>, presenting that same token): once the registry answered
/// 2xx, the gateway ends the token's record, so the token is refused from then on even by registries whose logout
/// revokes nothing (Verdaccio 6.8 only answers "Logged out"). Only the token that authenticates the request and is
/// named by it is ended: logging out proves possession of nothing else.
/// </summary>
internal sealed partial class LogoutMiddleware(RequestDelegate next, TokenLedger tokens, ILogger<LogoutMiddleware> logger)
{
    private const string LogoutAction = "logout";

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        if (feature.Classification.Action == LogoutAction && AnonymousRefusal.HasNoCredential(context.Request))
        {
            return AnonymousRefusal.WriteForReadAsync(context, feature, logger); // npm logs out with the token it ends
        }

        return feature.Classification.Action == LogoutAction && context.Request.Headers.Authorization is { Count: 1 } authorization
            && TokenLedger.BearerToken(authorization.ToString()) is { } token
            && feature.Path.Segments is ["-", "user", "token", .. var named] && string.Join('/', named) == token
            ? LogOutAsync(context, token)
            : next(context);
    }

    private async Task LogOutAsync(HttpContext context, string token)
    {
        await next(context);
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

    [LoggerMessage(EventId = 463, Level = LogLevel.Information, Message = "A token was logged out: its record now refuses it")]
    private static partial void LogEnded(ILogger logger);

    [LoggerMessage(EventId = 464, Level = LogLevel.Warning, Message = "A token was logged out at the registry, but the store could not end its record")]
    private static partial void LogNotEnded(ILogger logger);
}
