using Gateway.Audit;

namespace Gateway.Browser;

/// <summary>
/// The pages' actor for the audit trail: the client's address. A page request carries no registry credential
/// (the session cookie is not one), so the fingerprint stays empty; the event names the signed-in user.
/// </summary>
internal static class PageAuditActor
{
    public static IApplicationBuilder UsePageAuditActor(this IApplicationBuilder pages) => pages.Use(async (context, next) =>
    {
        // In an async lambda: the actor ends with this request's flow (Audit/AuditActor.cs).
        AuditActor.Enter(new AuditActor(null, context.Connection.RemoteIpAddress?.ToString()));
        await next(context);
    });
}
