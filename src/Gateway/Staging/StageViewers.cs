using Gateway.Automation;
using Gateway.Store;

namespace Gateway.Staging;

/// <summary>
/// Who may see (and so approve or reject) a staged publish, for npm's stage API and the "Staged releases" page alike:
/// the one who staged it, and the accounts the registry lists as the package's maintainers in the packument read with
/// the given credential (where the registry lists none, those who published it through the gateway) — docs/SECURITY.md,
/// "Staged publishes". What a credential itself may see (a stage-only token) is the API's own rule (<c>Endpoints/StageCallers</c>).
/// </summary>
internal sealed class StageViewers(PackageMaintainers maintainers)
{
    /// <param name="authorization">The viewer's own <c>Authorization</c> (the registry decides what it may see); empty reads as anyone may.</param>
    /// <param name="maintained">Packages already looked up for this viewer (a list reads each package's packument once).</param>
    public async ValueTask<bool> CanSeeAsync(
        StoredStage stage, string user, string authorization, Dictionary<string, bool> maintained, CancellationToken cancellation)
    {
        if (stage.Actor == user)
        {
            return true;
        }

        if (!maintained.TryGetValue(stage.Package, out var maintains))
        {
            maintains = maintained[stage.Package] = await MaintainsAsync(stage.Package, user, authorization, cancellation);
        }

        return maintains;
    }

    /// <summary>A package the registry does not show this viewer (404: a new package) is maintained by nobody they can see.</summary>
    private async Task<bool> MaintainsAsync(string package, string user, string authorization, CancellationToken cancellation) =>
        (await maintainers.OfAsync(package, authorization, cancellation)).Includes(user);

}
