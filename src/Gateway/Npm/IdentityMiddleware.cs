using Gateway.Accounts;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// Stage 2: who is calling. Only for requests whose class could need a second factor; reads and other
/// class-none requests pass without any lookup. A login is the account its body names; any other
/// request is whoever the registry says its Authorization belongs to. A protected request without any
/// credential is answered here (401) and never reaches the registry (<see cref="AnonymousRefusal"/>).
/// </summary>
internal sealed partial class IdentityMiddleware(
    RequestDelegate next, IdentityResolver resolver, Usernames usernames, RoutePolicyProvider policies, SecondFactorDecisions decisions,
    ILogger<IdentityMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Classification.Class == ProtectionClass.None ? next(context) : ResolveAsync(context, feature);
    }

    private async Task ResolveAsync(HttpContext context, GatewayRequestFeature feature)
    {
        // At most one Authorization header: stage 1b (TokenLimitsMiddleware) refused repeated ones.
        var authorization = context.Request.Headers.Authorization;
        if (feature.Classification.AccountKey is { } accountKey)
        {
            await ResolveLoginAsync(context, feature, accountKey, authorization.ToString());
            return;
        }

        (feature.IdentityOutcome, feature.Caller) = await resolver.ResolveAsync(authorization.ToString(), context.Connection.RemoteIpAddress, context.RequestAborted);
        switch (feature.IdentityOutcome)
        {
            case IdentityOutcome.Refused:
                await RefuseAsync(context, feature, StatusCodes.Status401Unauthorized,
                    "The registry does not accept these credentials (log in again with npm login). The 2FA gateway does not forward a protected request it cannot attribute to an account.");
                return;
            case IdentityOutcome.Anonymous when feature.Classification.SideDoor:
                await RefuseAsync(context, feature, StatusCodes.Status403Forbidden, SideDoorMessage);
                return;
            case IdentityOutcome.Anonymous:
                await AnonymousRefusal.WriteAsync(context, feature, decisions, logger);
                return;
        }

        await next(context);
    }

    private async Task ResolveLoginAsync(HttpContext context, GatewayRequestFeature feature, string accountKey, string authorization)
    {
        var body = await BodyReader.ReadOnceAsync(context, policies.Current.MaxBodyBytes);
        switch (body.State)
        {
            case RequestBodyState.Unreadable:
                await RefuseAsync(context, feature, body.ProblemStatus, body.Problem!);
                return;
            case not RequestBodyState.Parsed:
                await RefuseAsync(context, feature, StatusCodes.Status400BadRequest,
                    "A login must send its JSON body with a Content-Length of at most " + policies.Current.MaxBodyBytes + " bytes.");
                return;
        }

        var login = LoginAccount.Resolve(body.Json, accountKey, feature.RawTarget, authorization, usernames);
        if (login.Problem is not null)
        {
            await RefuseAsync(context, feature, StatusCodes.Status400BadRequest, login.Problem);
            return;
        }

        feature.IdentityOutcome = IdentityOutcome.Known;
        feature.Caller = resolver.ForLogin(login.Account!, context.Connection.RemoteIpAddress);
        feature.LoginPassword = login.Password ?? "";
        await next(context);
    }

    private const string SideDoorMessage =
        $"This registry endpoint cannot ask for a second factor, so the 2FA gateway does not let it mint or change credentials. Use npm login, or the gateway's pages at {GatewayUrls.Prefix}/.";

    private Task RefuseAsync(HttpContext context, GatewayRequestFeature feature, int status, string message)
    {
        LogRefused(logger, context.Request.Method, SafePath.For(feature.Path), feature.Classification.Action, status, message);
        return GatewayResponses.WriteErrorAsync(context, status, message);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "{Method} {Path} ({Action}) refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string action, int status, string reason);
}
