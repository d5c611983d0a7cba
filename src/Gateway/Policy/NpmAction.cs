using System.Collections.Frozen;

namespace Gateway.Policy;

/// <summary>
/// The closed vocabulary of npm actions the gateway knows. The route policy (config/route-policy.json) maps methods and
/// paths onto these; the code names them only as these values, never as text, so renaming one in the file cannot
/// silently switch off what the gateway does for it (token recording, password checks): the loader refuses a name it
/// does not know (docs/ARCHITECTURE.md, "Actions").
/// </summary>
/// <remarks>
/// Each action carries the least protection it may be given: the loader refuses a rule that gives it less, and a policy
/// that names none of the rules for a protected npm action (every class above <see cref="ProtectionClass.None"/>), so
/// that deleting a rule cannot open what it protected. Registry side doors (Nexus, Artifactory) are optional: only the
/// policies that include their files name them.
/// </remarks>
public sealed class NpmAction
{
    private static readonly List<NpmAction> Known = [];

    // Publishing and package contents.
    public static readonly NpmAction Publish = Npm("publish", ProtectionClass.Writes, publishesDirectly: true);
    public static readonly NpmAction PublishBatch = Npm("publish-batch", ProtectionClass.Writes, publishesDirectly: true);
    public static readonly NpmAction Unpublish = Npm("unpublish", ProtectionClass.Writes);
    public static readonly NpmAction Deprecate = Npm("deprecate", ProtectionClass.Writes);
    public static readonly NpmAction Star = Npm("star", ProtectionClass.None);
    public static readonly NpmAction DistTagAdd = Npm("dist-tag-add", ProtectionClass.Writes);
    public static readonly NpmAction DistTagRemove = Npm("dist-tag-rm", ProtectionClass.Writes);
    public static readonly NpmAction DistTagMerge = Npm("dist-tag-merge", ProtectionClass.Writes);

    // Governance: who may do what.
    public static readonly NpmAction Owner = Npm("owner", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction Access = Npm("access", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction Trust = Npm("trust", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction AccessGrant = Npm("access-grant", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction AccessRevoke = Npm("access-revoke", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction TeamCreate = Npm("team-create", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction TeamDestroy = Npm("team-destroy", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction TeamAdd = Npm("team-add", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction TeamRemove = Npm("team-rm", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction OrgSet = Npm("org-set", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction OrgRemove = Npm("org-rm", ProtectionClass.Writes, governance: true);
    public static readonly NpmAction OidcExchange = Npm("oidc-exchange", ProtectionClass.Writes, governance: true);

    // Staged publishing: staging asks for no code (npm does not wrap it in otplease) but is decided on its caller and
    // token; approving and rejecting take a verified second factor from an account with 2FA, in both modes, whatever
    // the token (npmjs: "Please enable 2fa for your account"), so their least class is auth.
    public static readonly NpmAction StagePublish = Npm("stage-publish", ProtectionClass.None, needsCredential: true, stages: true);
    public static readonly NpmAction StageApprove = Npm("stage-approve", ProtectionClass.Auth, secondFactorAlways: true);
    public static readonly NpmAction StageReject = Npm("stage-reject", ProtectionClass.Auth, secondFactorAlways: true);
    public static readonly NpmAction StageList = Npm("stage-list", ProtectionClass.None, needsCredential: true);
    public static readonly NpmAction StageView = Npm("stage-view", ProtectionClass.None, needsCredential: true);
    public static readonly NpmAction StageTarball = Npm("stage-tarball", ProtectionClass.None, needsCredential: true);

    // Credentials and the account.
    public static readonly NpmAction Login = Npm("login", ProtectionClass.Auth);
    public static readonly NpmAction WebLogin = Npm("web-login", ProtectionClass.Auth);
    public static readonly NpmAction Logout = Npm("logout", ProtectionClass.None, needsCredential: true);
    public static readonly NpmAction TokenCreate = Npm("token-create", ProtectionClass.Auth);
    public static readonly NpmAction TokenRevoke = Npm("token-revoke", ProtectionClass.Auth);
    public static readonly NpmAction TokenList = Npm("token-list", ProtectionClass.None, needsCredential: true);
    public static readonly NpmAction TwoFactorChange = Npm("2fa-change", ProtectionClass.Auth);
    public static readonly NpmAction ProfileSet = Npm("profile-set", ProtectionClass.Auth);
    public static readonly NpmAction ProfileGet = Npm("profile-get", ProtectionClass.None, needsCredential: true);

    // Reads.
    public static readonly NpmAction Audit = Npm("audit", ProtectionClass.None);
    public static readonly NpmAction Whoami = Npm("whoami", ProtectionClass.None);
    public static readonly NpmAction Ping = Npm("ping", ProtectionClass.None);
    public static readonly NpmAction Search = Npm("search", ProtectionClass.None);
    public static readonly NpmAction UserGet = Npm("user-get", ProtectionClass.None);
    public static readonly NpmAction DistTagList = Npm("dist-tag-ls", ProtectionClass.None);
    public static readonly NpmAction OrgList = Npm("org-ls", ProtectionClass.None);
    public static readonly NpmAction TeamList = Npm("team-ls", ProtectionClass.None);
    public static readonly NpmAction AccessList = Npm("access-ls", ProtectionClass.None);
    public static readonly NpmAction Tarball = Npm("tarball", ProtectionClass.None);
    public static readonly NpmAction Packument = Npm("packument", ProtectionClass.None);
    public static readonly NpmAction Manifest = Npm("manifest", ProtectionClass.None);

    /// <summary><c>GET /-/package/&lt;name&gt;/visibility</c>: whether npm should make provenance (Endpoints/VisibilityEndpoint).</summary>
    public static readonly NpmAction Visibility = Npm("package-visibility", ProtectionClass.None);

    // Registry side doors (config/side-doors/*.json): a registry's own ways to mint or change credentials.
    public static readonly NpmAction RegistryUiLogin = SideDoor("registry-ui-login");
    public static readonly NpmAction RegistryUiWrite = SideDoor("registry-ui-write");
    public static readonly NpmAction RegistryApiKey = SideDoor("registry-api-key");
    public static readonly NpmAction RegistryEncryptedPassword = SideDoor("registry-encrypted-password");
    public static readonly NpmAction RegistryNpmAuth = SideDoor("registry-npm-auth");
    public static readonly NpmAction RegistryPasswordChange = SideDoor("registry-password-change");
    public static readonly NpmAction RegistrySingleUseToken = SideDoor("registry-single-use-token");
    public static readonly NpmAction RegistryTokenCreate = SideDoor("registry-token-create");
    public static readonly NpmAction RegistryUserAdmin = SideDoor("registry-user-admin");
    public static readonly NpmAction RegistryUserToken = SideDoor("registry-user-token");

    // The policy's defaults, never named in a file.
    public static readonly NpmAction UnknownRead = Default("read", ProtectionClass.None);
    public static readonly NpmAction UnknownWrite = Default("unknown-write", ProtectionClass.Writes);

    private static readonly FrozenDictionary<string, NpmAction> ByName = Known.Where(a => a.Kind != ActionKind.Default).ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);

    private NpmAction(string name, ProtectionClass minimumClass, bool governance, bool needsCredential, ActionKind kind, Traits traits = default)
    {
        Name = name;
        MinimumClass = minimumClass;
        MinimumGovernance = governance;
        NeedsCredential = needsCredential;
        Kind = kind;
        PublishesDirectly = traits.PublishesDirectly;
        Stages = traits.Stages;
        SecondFactorAlways = traits.SecondFactorAlways;
        Known.Add(this);
    }

    private enum ActionKind
    {
        Npm,
        SideDoor,
        Default,
    }

    private readonly record struct Traits(bool PublishesDirectly, bool Stages, bool SecondFactorAlways);

    /// <summary>The name config/route-policy.json, logs and audit events use, e.g. <c>dist-tag-add</c>.</summary>
    public string Name { get; }

    /// <summary>The least class a rule may give this action.</summary>
    public ProtectionClass MinimumClass { get; }

    /// <summary>Every rule for this action must be governance (a bypass-2FA token never skips its second factor).</summary>
    public bool MinimumGovernance { get; }

    /// <summary>
    /// A class-none request that means nothing without a credential and that registries rate-limit per address:
    /// answered 401 without one, never forwarded (docs/SECURITY.md, "Who is calling").
    /// </summary>
    public bool NeedsCredential { get; }

    /// <summary>
    /// Publishes versions straight to the registry (<c>npm publish</c>, pnpm's batch, Verdaccio's upload routes): what a
    /// stage-only token and a package whose publishes must be staged are refused (docs/SECURITY.md, "Staged publishing").
    /// </summary>
    public bool PublishesDirectly { get; }

    /// <summary>
    /// Stages a release (<c>npm stage publish</c>): no second factor, but decided on its caller and token like a write —
    /// a read-only token, or a token limited to other packages, may not stage; a stage-only token may.
    /// </summary>
    public bool Stages { get; }

    /// <summary>
    /// Needs a verified second factor from an account with 2FA enabled in every mode, with every credential (no
    /// bypass-2FA token, no report-only): an account without 2FA is refused 403 (approving and rejecting a staged release).
    /// </summary>
    public bool SecondFactorAlways { get; }

    /// <summary>A policy must have a rule for it: an npm action above class none.</summary>
    public bool MustBeMatched => Kind == ActionKind.Npm && MinimumClass > ProtectionClass.None;

    private ActionKind Kind { get; }

    /// <summary>Every action a policy file may name, in declaration order.</summary>
    public static IEnumerable<NpmAction> All => Known.Where(a => a.Kind != ActionKind.Default);

    public static bool TryFind(string? name, out NpmAction action)
    {
        if (name is not null && ByName.TryGetValue(name, out var found))
        {
            action = found;
            return true;
        }

        action = UnknownWrite;
        return false;
    }

    public override string ToString() => Name;

    private static NpmAction Npm(
        string name, ProtectionClass minimum, bool governance = false, bool needsCredential = false, bool publishesDirectly = false, bool stages = false,
        bool secondFactorAlways = false) =>
        new(name, minimum, governance, needsCredential, ActionKind.Npm, new Traits(publishesDirectly, stages, secondFactorAlways));

    private static NpmAction SideDoor(string name) => new(name, ProtectionClass.Auth, governance: false, needsCredential: false, ActionKind.SideDoor);

    private static NpmAction Default(string name, ProtectionClass minimum) => new(name, minimum, governance: false, needsCredential: false, ActionKind.Default);
}
