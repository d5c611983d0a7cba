namespace Gateway.Policy;

/// <summary>What the route policy decided about one request.</summary>
/// <param name="Action">The npm action, e.g. <see cref="NpmAction.Publish"/>; <see cref="NpmAction.UnknownWrite"/> for the default rule.</param>
/// <param name="Package">The normalised package name (<c>@scope/name</c>) when the path names one.</param>
/// <param name="Class">Whether a second factor is needed, and in which modes.</param>
/// <param name="Rule">Which rule matched, for logs and <c>policy explain</c>.</param>
/// <param name="PathUser">The user a <c>{user}</c> path parameter names (couch login), if any.</param>
/// <param name="AccountKey">
/// For requests that log in (mint a credential from a password), the body key naming the account the
/// registry will act on (<c>name</c> for couch login); null for every other request. See docs/SECURITY.md.
/// </param>
/// <param name="FollowUp">
/// The request may follow an approved request of the same action and package within one npm command
/// (the tarball DELETE of a single-version unpublish, the second PUT of a couch login).
/// </param>
/// <param name="SideDoor">An endpoint outside npm's protocol (e.g. the registry's own web-UI login): a challenge points at the gateway's pages.</param>
/// <param name="Governance">
/// The request changes who may do what (tokens, profile, owners, access, teams): a bypass-2FA token never skips
/// the second factor for it. A write no rule names counts as governance (the strictest reading).
/// </param>
/// <param name="Organisation">The organisation an org or team route names (<c>{org}</c>, <c>{scope}</c>), without its <c>@</c>.</param>
public sealed record RequestClassification(
    NpmAction Action, string? Package, ProtectionClass Class, string Rule, string? PathUser = null, string? AccountKey = null, bool FollowUp = false,
    bool SideDoor = false, bool Governance = false, string? Organisation = null)
{
    public const string DefaultWriteRule = "(default: mutating request no rule names)";
    public const string DefaultReadRule = "(default: read)";

    public static readonly RequestClassification UnknownRead =
        new(NpmAction.UnknownRead, null, ProtectionClass.None, DefaultReadRule);

    public static RequestClassification UnknownWrite(string? package) =>
        new(NpmAction.UnknownWrite, package, ProtectionClass.Writes, DefaultWriteRule, Governance: true);
}
