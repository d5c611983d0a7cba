using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Accounts;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Npm;
using Gateway.Policy;
using Gateway.Proxy;
using Gateway.Resilience;
using Gateway.TwoFactor;

namespace Gateway.Endpoints;

/// <summary>
/// Answers the <c>tfa</c> part of <c>/-/npm/v1/user</c> itself (the registry behind has no 2FA;
/// Verdaccio answers 503 to any tfa update), so that npm's own <c>profile get</c>,
/// <c>profile enable-2fa</c> and <c>profile disable-2fa</c> work unchanged. The rest of the profile is
/// the registry's. Runs behind the enforcement point, so changing or disabling an enabled 2FA has
/// already been proven with a code. Which requests are the profile's is the route policy's classification
/// (<see cref="NpmAction.ProfileGet"/>, <see cref="NpmAction.ProfileSet"/>, <see cref="NpmAction.TwoFactorChange"/>: every
/// spelling of the path the policy matches), never the path's text. It does
/// not rely on the policy's body rule or class: any profile write whose body names <c>tfa</c> is a 2FA change, and
/// a change to an enabled 2FA that reached it without a verified second factor is refused (a policy edited so that
/// 2FA changes are no longer class auth fails closed instead of opening).
/// </summary>
internal sealed partial class ProfileEndpoint(
    IHttpClientFactory clients,
    RegistryUris registryUris,
    IUserTwoFactorStore accounts,
    TwoFactorAccounts enrolment,
    PasswordChecker passwords,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard registry,
    RoutePolicyProvider policies,
    ILogger<ProfileEndpoint> logger)
{
    public static readonly NpmAction[] Actions = [NpmAction.ProfileGet, NpmAction.ProfileSet, NpmAction.TwoFactorChange];

    public Task HandleAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return context.Request.Method switch
        {
            "GET" when feature.Classification.Action == NpmAction.ProfileGet => GetProfileAsync(context),
            "POST" or "PUT" or "PATCH" when feature.Classification.Action != NpmAction.ProfileGet => UpdateAsync(context, feature),
            _ => RegistryForward.ForwardAsync(context),
        };
    }

    private async Task UpdateAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var body = await BodyReader.ReadOnceAsync(context, policies.Current.MaxBodyBytes);
        if (body.State == RequestBodyState.Unreadable)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ProblemStatus, body.Problem!);
            return;
        }

        if (body.State == RequestBodyState.Parsed && body.Json.ValueKind == JsonValueKind.Object && body.Json.TryGetProperty("tfa", out var tfa))
        {
            await ChangeTwoFactorAsync(context, feature, tfa);
            return;
        }

        await RegistryForward.ForwardAsync(context);
    }

    /// <summary>
    /// The registry's profile, with <c>tfa</c> from the gateway's store. A registry that does not answer is
    /// the same outage as for whoami (same guard): 503 with <c>Retry-After</c>, not a 502.
    /// </summary>
    private async Task GetProfileAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var (status, contentType, text) = await registry.ExecuteAsync(async cancellation =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, registryUris.For("/-/npm/v1/user"));
            if (authorization.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            // The client's address, as on the forwarded requests (the connection's, or a trusted proxy's X-Forwarded-For).
            if (context.Connection.RemoteIpAddress is { } client)
            {
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
            }

            using var response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, cancellation);
            // 413/414/429/431 are the request's own fault (a 429 keeps its Retry-After); other answers, 5xx
            // included, are passed on as the registry gave them.
            if (UpstreamRefusedException.IsShapeOrRate((int)response.StatusCode))
            {
                UpstreamRefusedException.ThrowIfNotAnswered(response, "profile", UpstreamRefusedException.IsShapeOrRate);
            }

            return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync(cancellation));
        }, context.RequestAborted);

        if (status is < 200 or > 299 || JsonNode.Parse(text) is not JsonObject profile || profile["name"]?.GetValue<string>() is not { Length: > 0 } name)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType ?? "application/json";
            await context.Response.WriteAsync(text, context.RequestAborted);
            return;
        }

        profile["tfa"] = DescribeTfa(await accounts.GetAsync(name, context.RequestAborted));
        await WriteJsonAsync(context, StatusCodes.Status200OK, profile);
    }

    private async Task ChangeTwoFactorAsync(HttpContext context, GatewayRequestFeature feature, JsonElement tfa)
    {
        if (feature.Caller is not { } caller)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "You must be logged in to change two-factor authentication (npm login).");
            return;
        }

        var state = await accounts.GetAsync(caller.Username, context.RequestAborted);
        if (state.Mode != TwoFactorMode.Disabled && feature.SecondFactor is null)
        {
            LogUnprotectedChange(logger, caller.Username, feature.Classification.Rule);
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden,
                "The 2FA gateway's route policy does not require a second factor for 2FA changes; nothing was changed. Ask the operator to keep the profile rules class auth.");
            return;
        }

        await (tfa.ValueKind switch
        {
            JsonValueKind.Array => ConfirmAsync(context, caller, state, tfa),
            JsonValueKind.Object => SetModeAsync(context, caller, state, tfa),
            _ => GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "\"tfa\" must be {\"mode\", \"password\"} or [\"<one-time password>\"]."),
        });
    }

    /// <summary><c>{"tfa": ["123456"]}</c>: the code that proves the authenticator app has the pending secret.</summary>
    private async Task ConfirmAsync(HttpContext context, CallerIdentity caller, UserTwoFactorState state, JsonElement tfa)
    {
        if (!state.IsPending)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "No two-factor enrolment is pending. Start one with: npm profile enable-2fa");
            return;
        }

        var code = tfa.GetArrayLength() > 0 && tfa[0].ValueKind == JsonValueKind.String ? tfa[0].GetString()! : "";
        var (recoveryCodes, lockedOutFor) = await enrolment.ConfirmAsync(caller.Username, state, code, context.RequestAborted);
        if (lockedOutFor is { } wait)
        {
            await GatewayResponses.WriteRetryLaterAsync(context, StatusCodes.Status429TooManyRequests, wait,
                $"Too many failed one-time passwords for this account. Try again in {(int)Math.Ceiling(wait.TotalSeconds)} seconds.");
            return;
        }

        if (recoveryCodes is null)
        {
            LogEnrolmentRejected(logger, caller.Username);
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "That one-time password does not match the new secret; two-factor authentication was not enabled. Run npm profile enable-2fa again.");
            return;
        }

        LogEnabled(logger, caller.Username);
        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["tfa"] = new JsonArray(recoveryCodes.Select(c => (JsonNode)c!).ToArray()) });
    }

    /// <summary><c>{"tfa": {"mode": …, "password": …}}</c>: start enrolment, change mode, or disable.</summary>
    private async Task SetModeAsync(HttpContext context, CallerIdentity caller, UserTwoFactorState state, JsonElement tfa)
    {
        var password = tfa.TryGetProperty("password", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        var modeText = tfa.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        if (!TwoFactorModes.TryParse(modeText, out var mode))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "\"tfa.mode\" must be auth-only, auth-and-writes or disable.");
            return;
        }

        if (!await passwords.IsValidAsync(caller.Username, password, context.RequestAborted, context.Connection.RemoteIpAddress))
        {
            LogWrongPassword(logger, caller.Username);
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "The password is not correct; two-factor authentication was not changed.");
            return;
        }

        JsonNode? answer;
        if (mode == TwoFactorMode.Disabled)
        {
            if (await enrolment.DisableAsync(caller.Username, context.RequestAborted) is { } refusal)
            {
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, refusal);
                return;
            }

            LogDisabled(logger, caller.Username);
            answer = false;
        }
        else if (state.Mode != TwoFactorMode.Disabled)
        {
            if (await enrolment.SetModeAsync(caller.Username, mode, context.RequestAborted) is { } refusal)
            {
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, refusal);
                return;
            }

            LogModeChanged(logger, caller.Username, mode.ToWire());
            answer = new JsonObject { ["pending"] = false, ["mode"] = mode.ToWire() };
        }
        else
        {
            answer = await enrolment.StartAsync(caller.Username, mode, context.RequestAborted);
            LogEnrolmentStarted(logger, caller.Username, mode.ToWire());
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["tfa"] = answer });
    }

    /// <summary>npm's shapes: <c>false</c> when off, <c>{mode, pending}</c> otherwise (docs/PROTOCOL.md#61-the-tfa-field).</summary>
    private static JsonNode DescribeTfa(UserTwoFactorState state) => state switch
    {
        { Mode: not TwoFactorMode.Disabled } => new JsonObject { ["pending"] = false, ["mode"] = state.Mode.ToWire() },
        { IsPending: true } => new JsonObject { ["pending"] = true, ["mode"] = state.PendingMode.ToWire() },
        _ => false,
    };

    private static Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    [LoggerMessage(EventId = LogEvents.ProfileEnrolmentStarted, Level = LogLevel.Information, Message = "2FA enrolment started for user {User} (mode {Mode})")]
    private static partial void LogEnrolmentStarted(ILogger logger, string user, string mode);

    [LoggerMessage(EventId = LogEvents.ProfileTwoFactorEnabled, Level = LogLevel.Information, Message = "2FA enabled for user {User}")]
    private static partial void LogEnabled(ILogger logger, string user);

    [LoggerMessage(EventId = LogEvents.ProfileEnrolmentRejected, Level = LogLevel.Warning, Message = "2FA enrolment confirmation refused for user {User}: the code does not match the pending secret")]
    private static partial void LogEnrolmentRejected(ILogger logger, string user);

    [LoggerMessage(EventId = LogEvents.ProfileModeChanged, Level = LogLevel.Information, Message = "2FA mode of user {User} changed to {Mode}")]
    private static partial void LogModeChanged(ILogger logger, string user, string mode);

    [LoggerMessage(EventId = LogEvents.ProfileTwoFactorDisabled, Level = LogLevel.Information, Message = "2FA disabled for user {User}")]
    private static partial void LogDisabled(ILogger logger, string user);

    [LoggerMessage(EventId = LogEvents.ProfileChangeUnprotected, Level = LogLevel.Error, Message = "2FA change refused for user {User}: the route policy ({Rule}) let it through without a second factor; 2FA changes must be class auth")]
    private static partial void LogUnprotectedChange(ILogger logger, string user, string rule);

    [LoggerMessage(EventId = LogEvents.ProfileWrongPassword, Level = LogLevel.Warning, Message = "2FA change refused for user {User}: wrong password")]
    private static partial void LogWrongPassword(ILogger logger, string user);
}
