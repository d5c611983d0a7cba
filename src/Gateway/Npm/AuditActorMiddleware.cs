using Gateway.Audit;

namespace Gateway.Npm;

/// <summary>
/// Stage 2½: once the caller is known, everything recorded for this request — by the later stages and by the
/// two-factor core, which knows no HTTP — names this credential's fingerprint and the client's address
/// (<see cref="AuditActor"/>). Protected requests only (it sits in the stages' protected branch).
/// </summary>
internal sealed class AuditActorMiddleware(RequestDelegate next, AuditTrail audit)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        return feature.Caller is { } caller ? AsActorAsync(context, caller.CredentialId) : next(context);
    }

    /// <summary>Async so that the actor ends with this request's flow (Audit/AuditActor.cs).</summary>
    private async Task AsActorAsync(HttpContext context, string credentialId)
    {
        AuditActor.Enter(audit.ActorFor(credentialId, context.Connection.RemoteIpAddress));
        await next(context);
    }
}
