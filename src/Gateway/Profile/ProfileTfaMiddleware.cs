using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Accounts;
using Gateway.Identity;
using Gateway.Pipeline;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Profile;

/// <summary>
/// Answers the <c>tfa</c> part of <c>/-/npm/v1/user</c> itself (the registry behind has no 2FA;
/// Verdaccio answers 503 to any tfa update), so that npm's own <c>profile get</c>,
/// <c>profile enable-2fa</c> and <c>profile disable-2fa</c> work unchanged. The rest of the profile is
/// the registry's. Runs after the second-factor stage, so changing or disabling an enabled 2FA has
/// already been proven with a code.
/// </summary>
internal sealed partial class ProfileTfaMiddleware(
    RequestDelegate next,
    IHttpClientFactory clients,
    IUserTwoFactorStore accounts,
    TwoFactorEnrolment enrolment,
    PasswordChecker passwords,
    ILogger<ProfileTfaMiddleware> logger)
{
    private static readonly string[] ProfilePath = ["-", "npm", "v1", "user"];

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        if (!feature.Path.Segments.AsSpan().SequenceEqual(ProfilePath))
        {
            return next(context);
        }

        return context.Request.Method switch
        {
            "GET" => GetProfileAsync(context),
            "POST" or "PUT" or "PATCH" when feature.Body is { } body && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("tfa", out var tfa)
                => ChangeTwoFactorAsync(context, feature, tfa),
            _ => next(context),
        };
    }

    /// <summary>The registry's profile, with <c>tfa</c> from the gateway's store.</summary>
    private async Task GetProfileAsync(HttpContext context)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/-/npm/v1/user");
        if (context.Request.Headers.Authorization is { Count: > 0 } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.ToString());
        }

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(UpstreamClient.Name).SendAsync(request, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status502BadGateway, "The registry did not answer the profile request.");
            return;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(context.RequestAborted);
            if (!response.IsSuccessStatusCode || JsonNode.Parse(text) is not JsonObject profile || profile["name"]?.GetValue<string>() is not { Length: > 0 } name)
            {
                context.Response.StatusCode = (int)response.StatusCode;
                context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
                await context.Response.WriteAsync(text, context.RequestAborted);
                return;
            }

            try
            {
                profile["tfa"] = DescribeTfa(await accounts.GetAsync(name, context.RequestAborted));
            }
            catch (DependencyUnavailableException)
            {
                await WriteUnavailableAsync(context);
                return;
            }

            await WriteJsonAsync(context, StatusCodes.Status200OK, profile);
        }
    }

    private async Task ChangeTwoFactorAsync(HttpContext context, GatewayRequestFeature feature, JsonElement tfa)
    {
        if (feature.Caller is not { } caller)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "You must be logged in to change two-factor authentication (npm login).");
            return;
        }

        try
        {
            var state = await accounts.GetAsync(caller.Username, context.RequestAborted);
            await (tfa.ValueKind switch
            {
                JsonValueKind.Array => ConfirmAsync(context, caller, state, tfa),
                JsonValueKind.Object => SetModeAsync(context, caller, state, tfa),
                _ => GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "\"tfa\" must be {\"mode\", \"password\"} or [\"<one-time password>\"]."),
            });
        }
        catch (DependencyUnavailableException)
        {
            await WriteUnavailableAsync(context);
        }
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
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests,
                $"Too many failed one-time passwords for this account. Try again in {seconds} seconds.");
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

        if (!await passwords.IsValidAsync(caller.Username, password, context.RequestAborted))
        {
            LogWrongPassword(logger, caller.Username);
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "The password is not correct; two-factor authentication was not changed.");
            return;
        }

        JsonNode? answer;
        if (mode == TwoFactorMode.Disabled)
        {
            await enrolment.DisableAsync(caller.Username, context.RequestAborted);
            LogDisabled(logger, caller.Username);
            answer = false;
        }
        else if (state.Mode != TwoFactorMode.Disabled)
        {
            await enrolment.SetModeAsync(caller.Username, mode, context.RequestAborted);
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

    private static Task WriteUnavailableAsync(HttpContext context) =>
        GatewayResponses.WriteUnavailableAsync(context, "The 2FA gateway cannot reach its store or the registry right now; nothing was changed. Try again shortly.");

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "2FA enrolment started for user {User} (mode {Mode})")]
    private static partial void LogEnrolmentStarted(ILogger logger, string user, string mode);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "2FA enabled for user {User}")]
    private static partial void LogEnabled(ILogger logger, string user);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "2FA enrolment confirmation refused for user {User}: the code does not match the pending secret")]
    private static partial void LogEnrolmentRejected(ILogger logger, string user);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "2FA mode of user {User} changed to {Mode}")]
    private static partial void LogModeChanged(ILogger logger, string user, string mode);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "2FA disabled for user {User}")]
    private static partial void LogDisabled(ILogger logger, string user);

    [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "2FA change refused for user {User}: wrong password")]
    private static partial void LogWrongPassword(ILogger logger, string user);
}
