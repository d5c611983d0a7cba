using System.Globalization;
using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Http;

namespace Gateway.Operations;

/// <summary>
/// <c>GET /-/gateway/audit[?user=U][&amp;since=ISO-8601][&amp;limit=N]</c>: the newest events of the shared audit
/// trail as JSON, newest first, for operators' tools. Restricted like the metrics (<see cref="OperationsAccess"/>).
/// </summary>
internal static class AuditApi
{
    public const string Path = GatewayUrls.Prefix + "/audit";

    private const int MaxLimit = 1000;

    public static WebApplication MapAuditApi(this WebApplication app)
    {
        app.MapGet(Path, ListAsync).AddEndpointFilter(async (invocation, next) =>
            invocation.HttpContext.RequestServices.GetRequiredService<OperationsAccess>().Allows(invocation.HttpContext)
                ? await next(invocation)
                : Results.NotFound());
        return app;
    }

    private static async Task<IResult> ListAsync(AuditTrail audit, string? user, string? since, int? limit, CancellationToken cancellation)
    {
        if (user is not null && !Usernames.IsWellFormed(user))
        {
            return Results.BadRequest(new { error = "user is not a well-formed username" });
        }

        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Results.BadRequest(new { error = "since must be a date and time, e.g. 2026-01-31T12:00:00Z" });
            }

            from = parsed;
        }

        var events = await audit.QueryAsync(user, from, Math.Clamp(limit ?? 100, 1, MaxLimit), cancellation);
        return Results.Json(events);
    }
}
