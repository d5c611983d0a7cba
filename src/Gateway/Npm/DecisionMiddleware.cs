using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Configuration;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Policy;
using Gateway.TwoFactor;
using Microsoft.Extensions.Options;

namespace Gateway.Npm;

/// <summary>
/// Stages 2 and 3: who is calling, then the one decision. Gathers what <see cref="RequestDecider"/> decides on — the caller
/// (a login is the account its body names; any other request is whoever the registry says its <c>Authorization</c>
/// belongs to), their mode, the recorded token, the package's and scope's rules, report-only, and the bodies the
/// gateway acts on — and keeps the decision in the <see cref="GatewayRequestFeature"/>. It answers nothing but a body it
/// cannot read as the registry would (4xx): what to do with the request is <see cref="EnforcementMiddleware"/>'s.
/// Reads and other class-none requests (but staging, decided on its caller and token) are decided without any lookup.
/// </summary>
internal sealed partial class DecisionMiddleware(
    RequestDelegate next,
    IdentityResolver resolver,
    Usernames usernames,
    RoutePolicyProvider policies,
    IUserModeSource modes,
    TokenLedger tokens,
    PackageRuleBook packageRules,
    IOptions<GatewayOptions> options,
    AuditTrail audit,
    ILogger<DecisionMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        var request = feature.Classification;
        if (RequestDecider.NeedsCaller(request))
        {
            return DecideAsync(context, feature);
        }

        var authorization = context.Request.Headers.Authorization;
        feature.Decided(RequestDecider.DecideWithoutCaller(request, !Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(authorization),
            request.Action == NpmAction.Logout && NamesOwnToken(feature, authorization)));
        return next(context);
    }

    private async Task DecideAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var request = feature.Classification;
        var client = context.Connection.RemoteIpAddress;
        // At most one Authorization header: stage 1b (TokenLimitsMiddleware) refused repeated ones.
        var authorization = context.Request.Headers.Authorization.ToString();
        IdentityOutcome outcome;
        CallerIdentity? caller;
        string? password = null;
        if (request.AccountKey is { } accountKey)
        {
            if (await LoginAsync(context, feature, accountKey, authorization) is not { } login)
            {
                return;
            }

            (outcome, caller, password) = (IdentityOutcome.Known, resolver.ForLogin(login.Account!, client), login.Password ?? "");
        }
        else if (TokenLedger.BearerToken(authorization) is { } gatewayToken && TrustedPublisher.IsExchangedToken(gatewayToken))
        {
            // A trusted workflow's token: the gateway's own, so its record says who it is (the registry would not know it).
            var record = await tokens.FindByTokenAsync(gatewayToken, context.RequestAborted);
            (outcome, caller) = record is { Publisher: not null } && usernames.TryCanonical(record.User, out var owner)
                ? (IdentityOutcome.Known, resolver.ForGatewayToken(owner, authorization))
                : (IdentityOutcome.Refused, (CallerIdentity?)null);
        }
        else
        {
            (outcome, caller) = await resolver.ResolveAsync(authorization, client, context.RequestAborted);
        }

        feature.Identified(caller, password);
        if (caller is null)
        {
            feature.Decided(RequestDecider.Decide(Input(feature, outcome, null, authorization, password, TwoFactorMode.Disabled, null, false, PackageMfa.None, null, context)));
            await next(context);
            return;
        }

        // Everything recorded from here on — by the later stages and by the core, which knows no HTTP — names this
        // credential's fingerprint and the client's address; awaited below so that the actor ends with this request.
        AuditActor.Enter(audit.ActorFor(caller.CredentialId, client));
        var cancellation = context.RequestAborted;
        var mode = await modes.GetModeAsync(caller.Username, cancellation);
        var bearer = password is null ? TokenLedger.BearerToken(authorization) : null;
        var token = bearer is null ? null : await tokens.FindAsync(caller.Username, bearer, cancellation);
        var rule = request.Package is not null ? await packageRules.GetAsync(request.Package, cancellation) : PackageMfa.None;
        var staging = request.Action.PublishesDirectly ? await packageRules.StagingAsync(request.Package, cancellation) : StagedPublishing.None;
        if (RequestDecider.ReadsBody(request) && !await ReadBodyAsync(context, feature))
        {
            return;
        }

        feature.Decided(RequestDecider.Decide(Input(feature, outcome, caller.Username, authorization, password, mode, token, bearer is not null && token is null, rule,
            packageRules.File.ScopeOf(request.Package), context, staging)));
        await next(context);
    }

    private DecisionInput Input(
        GatewayRequestFeature feature, IdentityOutcome outcome, string? user, string authorization, string? password, TwoFactorMode mode,
        TokenAttributes? token, bool unrecordedToken, PackageMfa rule, PackageRulesFile.ScopeRequirement? scope, HttpContext context,
        StagedPublishing staging = StagedPublishing.None) =>
        new(feature.Classification, outcome, user, authorization.Length > 0, password is not null, mode, token, unrecordedToken, rule, scope,
            options.Value.ReportOnly || scope is { ReportOnly: true }, feature.Body, NamesOwnToken: false, context.Connection.RemoteIpAddress, tokens.Now, tokens.Options,
            staging);

    /// <summary>The account a login's body names, and its password; null when the body is refused (answered here, 4xx).</summary>
    private async Task<LoginAccount.Result?> LoginAsync(HttpContext context, GatewayRequestFeature feature, string accountKey, string authorization)
    {
        var body = await BodyReader.ReadOnceAsync(context, policies.Current.MaxBodyBytes);
        switch (body.State)
        {
            case RequestBodyState.Unreadable:
                await RefuseAsync(context, feature, body.ProblemStatus, body.Problem!);
                return null;
            case not RequestBodyState.Parsed:
                await RefuseAsync(context, feature, StatusCodes.Status400BadRequest,
                    "A login must send its JSON body with a Content-Length of at most " + policies.Current.MaxBodyBytes + " bytes.");
                return null;
        }

        var login = LoginAccount.Resolve(body.Json, accountKey, feature.RawTarget, authorization, usernames);
        if (login.Problem is not null)
        {
            await RefuseAsync(context, feature, StatusCodes.Status400BadRequest, login.Problem);
            return null;
        }

        return login;
    }

    /// <summary>The body of a request the gateway acts on (a token creation, an access change); false when refused (answered here, 4xx).</summary>
    private async Task<bool> ReadBodyAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var body = await BodyReader.ReadOnceAsync(context, policies.Current.MaxBodyBytes);
        if (body.State != RequestBodyState.Unreadable)
        {
            return true;
        }

        await RefuseAsync(context, feature, body.ProblemStatus, body.Problem!);
        return false;
    }

    /// <summary><c>npm logout</c> presents the very token its path names (<c>DELETE /-/user/token/&lt;token&gt;</c>): logging out proves possession of nothing else.</summary>
    private static bool NamesOwnToken(GatewayRequestFeature feature, Microsoft.Extensions.Primitives.StringValues authorization) =>
        authorization.Count == 1 && TokenLedger.BearerToken(authorization.ToString()) is { } token
        && feature.Path.Segments is ["-", "user", "token", .. var named] && string.Join('/', named) == token;

    private Task RefuseAsync(HttpContext context, GatewayRequestFeature feature, int status, string message)
    {
        LogRefused(logger, context.Request.Method, SafePath.For(feature.Path), feature.Classification.Action.Name, status, message);
        return GatewayResponses.WriteErrorAsync(context, status, message);
    }

    [LoggerMessage(EventId = LogEvents.RequestRefusedBeforeDecision, Level = LogLevel.Warning, Message = "{Method} {Path} ({Action}) refused with {Status} before any decision: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string action, int status, string reason);
}
