using System.Text.Json;
using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// Stage 3b: whether a protected request needs a second factor, or is refused, by the rules of tokens and
/// packages (<see cref="WriteRules"/>): the token's recorded limits, the package's publishing rule, a bypass-2FA
/// token. Also reads what the gateway itself will act on later: the attributes of a token being created, and a
/// package's new publishing rule. Decides on the body the registry reads (docs/SECURITY.md, "Tokens").
/// </summary>
internal sealed partial class WriteRulesMiddleware(
    RequestDelegate next, TokenLedger tokens, PackageRuleBook packageRules, RoutePolicyProvider policies, SecondFactorDecisions decisions, ILogger<WriteRulesMiddleware> logger)
{
    private const string TokenCreateAction = "token-create";
    private const string AccessAction = "access";
    private const string LoginAction = "login";

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Caller is { } caller ? DecideAsync(context, feature, caller) : next(context);
    }

    private async Task DecideAsync(HttpContext context, GatewayRequestFeature feature, CallerIdentity caller)
    {
        var request = feature.Classification;
        var bearer = feature.LoginPassword is null ? TokenLedger.BearerToken(context.Request.Headers.Authorization.ToString()) : null;
        var token = bearer is null ? null : await tokens.FindAsync(caller.Username, bearer, context.RequestAborted);
        var rule = request.Package is not null ? await packageRules.GetAsync(request.Package, context.RequestAborted) : PackageMfa.None;
        var verdict = WriteRules.Decide(request, feature.Mode, token, unrecordedToken: bearer is not null && token is null, tokens.Options, rule,
            context.Connection.RemoteIpAddress, tokens.Now, packageRules.File.ScopeOf(request.Package));
        if (verdict is { Requirement: Requirement.Refused, LacksSecondFactor: true } && decisions.ForwardsWithoutCode(feature))
        {
            // Report-only: the account lacks the second factor the package or scope requires; record and forward.
            await decisions.WouldChallengeAsync(feature, context.RequestAborted);
            await next(context);
            return;
        }

        if (verdict.Requirement == Requirement.Refused)
        {
            LogRefused(logger, request.Action, request.Package, caller.Username, verdict.Message!);
            await decisions.RefusedByRulesAsync(feature, context.RequestAborted);
            await GatewayResponses.WriteErrorAsync(context, verdict.Status, verdict.Message!);
            return;
        }

        feature.SecondFactorRequired = verdict.Requirement == Requirement.SecondFactor;
        feature.BypassedByToken = verdict.Bypassed;
        if (request.Action == LoginAction && feature.LoginPassword is not null)
        {
            // The token a login returns is recorded too, so that Unrecorded = read-only means "not from this gateway".
            feature.TokenToRecord = tokens.LoginRecord(caller.Username);
        }

        if (request.Action is TokenCreateAction or AccessAction && !await ReadGatewayActionAsync(context, feature, caller))
        {
            return;
        }

        await next(context);
    }

    /// <summary>The parts of a token creation or an access change the gateway acts on; false when it answered already.</summary>
    private async Task<bool> ReadGatewayActionAsync(HttpContext context, GatewayRequestFeature feature, CallerIdentity caller)
    {
        var body = await BodyReader.ReadOnceAsync(context, policies.Current.MaxBodyBytes);
        if (body.State == RequestBodyState.Unreadable)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ProblemStatus, body.Problem!);
            return false;
        }

        var json = body.State == RequestBodyState.Parsed ? body.Json : default;
        if (feature.Classification.Action == TokenCreateAction)
        {
            var parsed = TokenRequest.Parse(json, caller.Username, tokens.Options, tokens.Now);
            if (parsed.Attributes is null)
            {
                await GatewayResponses.WriteErrorAsync(context, parsed.Status, parsed.Problem!);
                return false;
            }

            feature.TokenToRecord = parsed.Attributes;
            return true;
        }

        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("publish_requires_tfa", out var requires))
        {
            var overrides = json.TryGetProperty("automation_token_overrides_tfa", out var o) && o.ValueKind == JsonValueKind.True;
            if (requires.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "publish_requires_tfa must be true or false.");
                return false;
            }

            // Changing a package's publishing rule always takes a second factor, whatever the caller's own mode.
            if (feature.Mode == TwoFactorMode.Disabled)
            {
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden,
                    "Changing a package's two-factor rule needs two-factor authentication on your account. Enable it with: npm profile enable-2fa auth-and-writes");
                return false;
            }

            feature.SecondFactorRequired = true;
            feature.PackageRuleChange = PackageMfaWire.FromFlags(requires.ValueKind == JsonValueKind.True, overrides);
        }

        return true;
    }

    [LoggerMessage(EventId = 450, Level = LogLevel.Warning, Message = "{Action} of {Package} by user {User} refused by token or package rules: {Reason}")]
    private static partial void LogRefused(ILogger logger, string action, string? package, string user, string reason);
}
