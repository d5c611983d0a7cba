using Gateway.Automation;
using Gateway.Configuration;
using Gateway.Http;
using Gateway.Metrics;
using Gateway.Policy;
using Gateway.Resilience;
using Microsoft.Extensions.Options;

namespace Gateway.Npm;

/// <summary>
/// Stage 1b: a request of class none (a read) that presents a bearer token the gateway recorded gets the token's
/// limits too (<see cref="ReadRules"/>: expiry, networks, packages), which the protected stages apply only to the
/// requests they see. A protected request gets the token's expiry and networks here as well, before whoami: a
/// registry that enforces a token's networks itself sees the gateway's address and would refuse whoami with a bare
/// 401, where the client should read why (stage 3b decides everything else on a fresh store read). Every request
/// with repeated <c>Authorization</c> headers, a malformed <c>Bearer</c> one, or a credential longer than any real one
/// (<see cref="MemoryOptions.MaxCredentialLength"/>, any scheme: 400 before it is hashed, looked up or cached), is refused here.
/// No whoami: the record is found by the token's keyed hash alone, through the owner index, and the answer is kept
/// in process for a minute (<see cref="TokenRecordCache"/>), so a warm read costs one cache lookup (no HMAC: the
/// cache is keyed by the token), and its <c>InvokeAsync</c> stays synchronous. When the store cannot answer, the
/// read is forwarded without the check (reads flow on in an outage, docs/SECURITY.md) and a warning says so once a minute.
/// </summary>
internal sealed partial class TokenLimitsMiddleware(
    RequestDelegate next, TokenLedger tokens, GatewayMetrics metrics, IOptions<MemoryOptions> memory, ILogger<TokenLimitsMiddleware> logger)
{
    private readonly int _maxCredentialLength = memory.Value.MaxCredentialLength;

    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private long _nextWarningTicks;
    private long _uncheckedSinceWarning;

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count == 0)
        {
            return next(context);
        }

        if (authorization.Count > 1)
        {
            // Every request, protected or not: the registry (Node) keeps the first of repeated Authorization headers,
            // where the gateway would look up, or ask whoami about, another value.
            LogHeaderRefused(logger, context.Request.Method, SafePath.For(feature.Path), feature.Classification.Action.Name);
            return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The request has more than one Authorization header.");
        }

        if (CredentialLength.IsTooLong(authorization.ToString(), _maxCredentialLength))
        {
            // 400, not 401: no registry issues such a credential, so it is the request's shape that is wrong (like a
            // malformed Bearer below), and a 401 would send npm to ask for a login or a code that cannot help.
            LogTooLong(logger, context.Request.Method, SafePath.For(feature.Path), authorization.ToString().Length);
            return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                $"The Authorization credential is longer than {_maxCredentialLength} characters, longer than any token or password the registry issues.");
        }

        if (TokenLedger.BearerToken(authorization.ToString()) is not { } token)
        {
            return TokenLedger.IsMalformedBearer(authorization.ToString())
                ? GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                    "The Authorization header is not 'Bearer <token>' with one space and a token without spaces.")
                : next(context);
        }

        return tokens.TryGetRecent(token, out var record) ? Apply(context, feature, record) : LookUpAsync(context, feature, token);
    }

    private async Task LookUpAsync(HttpContext context, GatewayRequestFeature feature, string token)
    {
        TokenAttributes? record;
        try
        {
            record = await tokens.FindRecentAsync(token, context.RequestAborted);
        }
        catch (DependencyUnavailableException) when (feature.Classification.Class != ProtectionClass.None)
        {
            // The protected stages read the store again and fail closed (503) without it.
            await next(context);
            return;
        }
        catch (DependencyUnavailableException e)
        {
            metrics.ReadTokenCheck("unchecked");
            WarnUnchecked(e.Dependency);
            await next(context);
            return;
        }

        await Apply(context, feature, record);
    }

    private Task Apply(HttpContext context, GatewayRequestFeature feature, TokenAttributes? record)
    {
        if (record is null)
        {
            return next(context);
        }

        var request = feature.Classification;
        var fetch = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        var client = context.Connection.RemoteIpAddress;
        var refusal = request.Class != ProtectionClass.None ? WriteRules.ExpiryOrNetworkRefusal(record, client, tokens.Now)
            : record.Publisher is not null ? TrustedPublisherRules.Refusal(request, record, client, tokens.Now)
            : ReadRules.Refusal(request, record, fetch, client, tokens.Now);
        if (refusal is not { } refused)
        {
            if (record.Publisher is { } publisher)
            {
                feature.PresentsTrustedPublisher(publisher);
            }

            return next(context);
        }

        metrics.ReadTokenCheck("refused");
        LogRefused(logger, request.Action.Name, request.Package, record.User, refused.Message!);
        return GatewayResponses.WriteErrorAsync(context, refused.Status, refused.Message!);
    }

    /// <summary>One warning per <see cref="WarningInterval"/>, with the count of reads since the last one.</summary>
    private void WarnUnchecked(string dependency)
    {
        Interlocked.Increment(ref _uncheckedSinceWarning);
        var now = tokens.Now.UtcTicks;
        var due = Interlocked.Read(ref _nextWarningTicks);
        if (now >= due && Interlocked.CompareExchange(ref _nextWarningTicks, now + WarningInterval.Ticks, due) == due)
        {
            LogUnchecked(logger, dependency, Interlocked.Exchange(ref _uncheckedSinceWarning, 0));
        }
    }

    [LoggerMessage(EventId = LogEvents.TokenLimitsRefused, Level = LogLevel.Warning, Message = "{Action} of {Package} with a token of user {User} refused by the token's limits: {Reason}")]
    private static partial void LogRefused(ILogger logger, string action, string? package, string user, string reason);

    [LoggerMessage(EventId = LogEvents.AuthorizationHeaderRepeated, Level = LogLevel.Warning, Message = "{Method} {Path} ({Action}) refused with 400: more than one Authorization header")]
    private static partial void LogHeaderRefused(ILogger logger, string method, string path, string action);

    [LoggerMessage(EventId = LogEvents.AuthorizationHeaderTooLong, Level = LogLevel.Debug, Message = "{Method} {Path} refused with 400: an Authorization header of {Length} characters, longer than any real credential")]
    private static partial void LogTooLong(ILogger logger, string method, string path, int length);

    [LoggerMessage(EventId = LogEvents.TokenLimitsUnchecked, Level = LogLevel.Warning,
        Message = "The {Dependency} cannot answer: {Count} reads presenting a bearer token were forwarded without their token's limits (warned at most once a minute)")]
    private static partial void LogUnchecked(ILogger logger, string dependency, long count);
}
