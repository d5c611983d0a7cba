using Gateway.Policy;

namespace Gateway.Automation;

/// <summary>
/// What a token exchanged by a trusted workflow may do (docs/SECURITY.md, "Trusted publishing"): read its one package
/// (packument, manifests, tarballs, dist-tags, visibility), publish it with <c>createPackage</c>, stage it with
/// <c>createStagedPackage</c> — without a second factor, whatever the package's or account's rule (npmjs: trusted
/// publishers are not tokens) — and nothing else: owners, access, dist-tags, deprecation, unpublishing, tokens, the
/// profile and trust configurations are refused (403).
/// </summary>
public static class TrustedPublisherRules
{
    public static WriteVerdict? Refusal(RequestClassification request, TokenAttributes token, System.Net.IPAddress? client, DateTimeOffset now)
    {
        if (WriteRules.ExpiryOrNetworkRefusal(token, client, now) is { } expired)
        {
            return expired;
        }

        var publisher = token.Publisher!;
        var package = token.Packages.Count == 1 ? token.Packages[0] : null;
        if (request.Package is null || !string.Equals(request.Package, package, StringComparison.Ordinal))
        {
            return WriteVerdict.Refuse(403, $"This trusted-publishing token may only act on {package}.");
        }

        var action = request.Action;
        var allowed = IsRead(action)
            || (action == NpmAction.Publish && publisher.CanPublish)
            || (action == NpmAction.StagePublish && publisher.CanStage);
        return allowed ? null : WriteVerdict.Refuse(403,
            $"This trusted-publishing token cannot {action} {package}: it may only read it"
            + (publisher.CanPublish ? ", publish it" : "") + (publisher.CanStage ? ", stage it" : "") + ".");
    }

    private static bool IsRead(NpmAction action) =>
        action == NpmAction.Packument || action == NpmAction.Manifest || action == NpmAction.Tarball || action == NpmAction.DistTagList
        || action == NpmAction.Visibility;
}
