using System.Text.Json;
using Gateway.Automation;
using Gateway.Http;
using Gateway.Resilience;

namespace Gateway.Npm;

/// <summary>
/// Keeps the gateway's token records in step with the registry: a token the registry creates (<c>npm token
/// create</c>, or a login) is recorded (with the attributes the decision read) before the client receives it, and a revoked token's record is dropped
/// once the registry has revoked it. A token the gateway could not record is never handed out: 503, and it
/// stays unused in the registry's list.
/// </summary>
internal sealed partial class TokenLedgerMiddleware(RequestDelegate next, TokenLedger tokens, DecisionAudit decisions, ILogger<TokenLedgerMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        var record = feature.Decision.Record;
        return record.TokenToRecord is { } attributes ? RecordCreatedAsync(context, feature, attributes)
            : record.ForgetRevokedToken && feature.Caller is { } caller ? ForgetRevokedAsync(context, caller.Username, feature)
            : next(context);
    }

    private async Task RecordCreatedAsync(HttpContext context, GatewayRequestFeature feature, TokenAttributes attributes)
    {
        var (body, original) = await BufferedResponse.RunAsync(context, next);
        var created = Created(context.Response.StatusCode, body);
        var isLogin = feature.Classification.Action == Policy.NpmAction.Login;
        // A login may succeed without a token (a registry that keeps Basic credentials): nothing to record then.
        if (created is null && context.Response.StatusCode is >= 200 and < 300 && !isLogin)
        {
            // A token whose limits the gateway could not record would have none: it is not handed out.
            LogUnreadable(logger, attributes.User);
            context.Response.Clear();
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status502BadGateway,
                "The registry created a token, but the 2FA gateway could not read its answer to record the token's limits, so it was not handed out.");
            return;
        }

        if (created is { } answer)
        {
            try
            {
                await tokens.RecordAsync(attributes with { RegistryKey = answer.Key }, answer.Token, context.RequestAborted);
            }
            catch (DependencyUnavailableException)
            {
                context.Response.Clear();
                throw; // 503 from the one error handler; the token never leaves the gateway
            }

            LogRecorded(logger, attributes.User, attributes.Expires, attributes.BypassTwoFactor, attributes.IsLimitedToPackages, attributes.Permission);
            if (!isLogin)
            {
                await decisions.TokenCreatedAsync(feature, attributes, context.RequestAborted);
            }
        }

        await original.Stream.WriteAsync(body, context.RequestAborted);
    }

    private async Task ForgetRevokedAsync(HttpContext context, string user, GatewayRequestFeature feature)
    {
        if (feature.Path.Segments is [.., var key] && key.StartsWith(TrustedPublisher.KeyPrefix, StringComparison.Ordinal))
        {
            await RevokeGatewayTokenAsync(context, user, key, feature);
            return;
        }

        await next(context);
        if (context.Response.StatusCode is >= 200 and < 300 && feature.Path.Segments is [.., var registryKey])
        {
            await decisions.TokenRevokedAsync(feature, context.RequestAborted);
            try
            {
                await tokens.ForgetAsync(user, registryKey, context.RequestAborted);
            }
            catch (DependencyUnavailableException)
            {
                // The registry revoked the token: its record only describes a token that no longer works.
                LogNotForgotten(logger, user);
            }
        }
    }

    /// <summary>
    /// <c>npm token revoke oidc-…</c> by the account a trusted-publishing token was recorded under: the registry never
    /// issued it, so the gateway drops its record itself (the token is then refused on every write at once, and on reads
    /// within the reads' cache lifetime) and answers as the registry would.
    /// </summary>
    private async Task RevokeGatewayTokenAsync(HttpContext context, string user, string key, GatewayRequestFeature feature)
    {
        if (!await tokens.ForgetAsync(user, key, context.RequestAborted))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "No such token.");
            return;
        }

        await decisions.TokenRevokedAsync(feature, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The registry's answer to a token creation: its token and key (Verdaccio, npmjs: <c>{"token", "key", …}</c>).</summary>
    private static (string Token, string? Key)? Created(int status, byte[] body)
    {
        if (status is < 200 or > 299)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } value
                ? (value, json.RootElement.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = LogEvents.TokenCreated, Level = LogLevel.Information, Message = "Token created for user {User}: expires {Expires}, bypass 2FA {Bypass}, limited to packages {Limited}, {Permission}")]
    private static partial void LogRecorded(ILogger logger, string user, DateTimeOffset? expires, bool bypass, bool limited, TokenPermission permission);

    [LoggerMessage(EventId = LogEvents.TokenCreationUnreadable, Level = LogLevel.Error, Message = "The registry's answer to a token creation by user {User} could not be read; the token was not handed out")]
    private static partial void LogUnreadable(ILogger logger, string user);

    [LoggerMessage(EventId = LogEvents.TokenRecordNotDropped, Level = LogLevel.Warning, Message = "A token of user {User} was revoked by the registry but its gateway record could not be dropped (store unavailable)")]
    private static partial void LogNotForgotten(ILogger logger, string user);
}
