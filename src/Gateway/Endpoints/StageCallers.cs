using Gateway.Audit;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Npm;
using Gateway.Policy;
using Gateway.Staging;
using Gateway.Store;

namespace Gateway.Endpoints;

/// <summary>
/// What the stage endpoints share: the caller (the decision's for approve and reject; for staging and the reads, which
/// npm sends without a code and the decision forwards without a lookup, the registry's whoami, cached, as for
/// <c>npm token list</c>), the stage a path names if the caller may see it, and who may see it: the one who staged it,
/// and the accounts the registry lists as the package's maintainers when the viewer reads its packument with their own
/// credential (<see cref="StageViewers"/>, the rule the "Staged releases" page shares) — docs/SECURITY.md, "Staged publishes".
/// </summary>
/// <remarks>
/// A stage-only token (<c>read-write-stage-only</c>) sees only the stages it made itself, never its account's others nor
/// the maintainers' view: it is CI's credential, and a person looks at the rest with their own login (docs/SECURITY.md,
/// "Staged publishes"). Approving and rejecting are refused to it before any endpoint runs.
/// </remarks>
internal sealed class StageCallers(
    IdentityResolver identities, StageViewers viewers, Automation.TokenLedger tokens, StagedPublishes stages, AuditTrail audit)
{
    private const string UnknownCredential =
        "The registry does not accept these credentials (log in again with npm login). The 2FA gateway stages and shows staged publishes only to an account the registry knows.";

    /// <summary>The caller, known to the registry (401 otherwise), and the audit actor set for the rest of the request.</summary>
    public async Task<CallerIdentity> CallerAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        if (feature.Caller is { } decided)
        {
            return decided;
        }

        var (_, caller) = await identities.ResolveAsync(context.Request.Headers.Authorization.ToString(), context.Connection.RemoteIpAddress, context.RequestAborted);
        if (caller is null)
        {
            throw new ClientInputException(StatusCodes.Status401Unauthorized, UnknownCredential);
        }

        AuditActor.Enter(audit.ActorFor(caller.CredentialId, context.Connection.RemoteIpAddress));
        return caller;
    }

    /// <summary>The stage the path names (<c>/-/stage/&lt;id&gt;[/…]</c>) if the caller may see it; 404 otherwise — malformed, unknown, expired or not theirs alike.</summary>
    /// <param name="withDocument">Also the held publish document (an approval sends it).</param>
    public async Task<StoredStage> VisibleStageAsync(HttpContext context, CallerIdentity caller, bool withDocument = false)
    {
        var segments = context.GatewayFeature().Path.Segments;
        if (segments.Length >= 3 && StagedPublishes.ParseId(segments[2]) is { } id
            && await stages.FindAsync(id, context.RequestAborted, withDocument) is { } stage
            && await CanSeeAsync(context, caller, stage, []))
        {
            return stage;
        }

        throw new ClientInputException(StatusCodes.Status404NotFound, "No staged publish with this id is visible to you.");
    }

    /// <param name="maintained">Packages already looked up in this request (a list reads each package's packument once).</param>
    public async Task<bool> CanSeeAsync(HttpContext context, CallerIdentity caller, StoredStage stage, Dictionary<string, bool> maintained) =>
        await IsStageOnlyTokenAsync(context, caller)
            ? stage.StagerCredential == caller.CredentialId
            : await viewers.CanSeeAsync(stage, caller.Username, context.Request.Headers.Authorization.ToString(), maintained, context.RequestAborted);

    private async ValueTask<bool> IsStageOnlyTokenAsync(HttpContext context, CallerIdentity caller)
    {
        if (context.Items.TryGetValue(typeof(StageCallers), out var known))
        {
            return (bool)known!;
        }

        var bearer = Automation.TokenLedger.BearerToken(context.Request.Headers.Authorization.ToString());
        var stageOnly = bearer is not null
            && await tokens.FindAsync(caller.Username, bearer, context.RequestAborted) is { Permission: Automation.TokenPermission.StageOnly };
        context.Items[typeof(StageCallers)] = stageOnly;
        return stageOnly;
    }
}
