using Gateway.Http;
using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// The answer to a protected request (class auth or writes) that carries no credential at all and is not a login:
/// 401, never forwarded. Forwarding it would only let the registry refuse it, and every such refusal would spend
/// the registry's per-address rate limit, which behind the gateway is one bucket shared by every user
/// (docs/SECURITY.md, "Who is calling"). Logins are identified by their body (<see cref="RequestClassification.AccountKey"/>)
/// and never get here; the web login is an endpoint of its own.
/// </summary>
/// <remarks>
/// The answer is the one npm prints as "log in again": a 401 whose <c>WWW-Authenticate</c> names <c>Bearer</c> and
/// <c>Basic</c> (as Verdaccio's own 401s do, docs/PROTOCOL.md §8.5) and never <c>otp</c>, with a body that never says
/// "one-time pass" — so no client takes it for a second-factor challenge and prompts for a code
/// (docs/PROTOCOL.md §2.1, §2.5). The <c>npm-notice</c> line is printed by npm, pnpm and Yarn.
/// </remarks>
internal static partial class AnonymousRefusal
{
    public const string Challenge = "Bearer realm=\"npm-2fa-gateway\", Basic realm=\"npm-2fa-gateway\"";

    public const string Notice = "npm-2fa-gateway: you are not logged in to this registry; run npm login first";

    public const string Message = TwoFactor.RequestDecider.AnonymousMessage;

    /// <param name="decisions">
    /// Counts the refusal of a request decided on its caller (protected ones, and staging); null for the class-none requests that mean nothing without a credential and
    /// that registries rate-limit per address like the protected ones (<see cref="Policy.NpmAction.NeedsCredential"/>:
    /// <c>npm profile get</c>, <c>npm token list</c>, <c>npm logout</c>).
    /// </param>
    public static Task WriteAsync(HttpContext context, GatewayRequestFeature feature, DecisionAudit? decisions, ILogger logger)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogRefused(logger, context.Request.Method, SafePath.For(feature.Path), feature.Classification.Action.Name, context.Connection.RemoteIpAddress?.ToString());
        }

        // Counted, not audited: anonymous noise must not push account events out of the shared trail.
        decisions?.Refused(feature, "anonymous");
        context.Response.Headers.WWWAuthenticate = Challenge;
        context.Response.Headers["npm-notice"] = Notice;
        context.Response.Headers.CacheControl = "no-store";
        return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, Message);
    }

    [LoggerMessage(EventId = LogEvents.AnonymousRefused, Level = LogLevel.Debug, Message = "{Method} {Path} ({Action}) from {Client} refused with 401: no credential, not forwarded")]
    private static partial void LogRefused(ILogger logger, string method, string path, string action, string? client);
}
