using Gateway.Automation;
using Gateway.Resilience;
using Gateway.TrustedPublishing;

namespace Gateway.Browser;

/// <summary>A package's trusted publisher as the account page lists it (public because Razor components are).</summary>
public sealed record TrustedPublisherRow(string Package, TrustConfiguration Configuration);

/// <summary>The account page's trusted publishers: the rows, and whether some packages could not be checked.</summary>
/// <param name="Incomplete">The registry did not answer for some package, or more packages have one than the page checks.</param>
public sealed record TrustedPublisherList(IReadOnlyList<TrustedPublisherRow> Rows, bool Incomplete);

/// <summary>
/// The trust configurations of the packages the signed-in user maintains (docs/SECURITY.md, "Trusted publishing"): the
/// packages that have one (<see cref="TrustBook.PackagesAsync"/>, an index, no SCAN), each kept if the registry lists the
/// user among its maintainers — read as anyone may read it, as the staging rule does (a page session carries no registry
/// credential). One packument read per trusted package, at most <see cref="MaxPackages"/>: only the account page pays it.
/// </summary>
internal sealed class TrustedPublisherListing(TrustBook trust, PackageMaintainers maintainers)
{
    public const int MaxPackages = 50;

    public async Task<TrustedPublisherList> ListAsync(string user, CancellationToken cancellation)
    {
        var packages = await trust.PackagesAsync(cancellation);
        var checks = await Task.WhenAll(packages.Take(MaxPackages).Select(package => CheckAsync(package, user, cancellation)));
        return new TrustedPublisherList([.. checks.Select(c => c.Row).OfType<TrustedPublisherRow>()],
            Incomplete: packages.Count > MaxPackages || checks.Any(c => c.Unreadable));
    }

    private async Task<(TrustedPublisherRow? Row, bool Unreadable)> CheckAsync(string package, string user, CancellationToken cancellation)
    {
        try
        {
            var found = await maintainers.OfAsync(package, authorization: "", cancellation);
            if (!found.Includes(user))
            {
                return (null, false);
            }
        }
        catch (Exception e) when (e is DependencyUnavailableException or UpstreamRefusedException)
        {
            return (null, true);
        }

        return (await trust.GetAsync(package, cancellation) is { } configuration ? new TrustedPublisherRow(package, configuration) : null, false);
    }
}
