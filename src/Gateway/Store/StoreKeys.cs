using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Every key and channel the gateway uses, in one place (prefix <c>gw:</c>). The strings are the stored
/// data's names: changing one orphans what is already in the store (<see cref="StoreKeyMigration"/> renames the
/// user keys of before the hash tags). The table is in <c>Store/README.md</c>.
/// <para>
/// Hash tags (the part in braces) choose a Redis Cluster slot: every key one script or transaction touches
/// carries the same tag, so it runs on one node. Per user: <c>{name}</c>; per done id: <c>{done hash}</c>.
/// Keys that are only ever touched alone carry no tag and spread over the cluster.
/// </para>
/// </summary>
internal static class StoreKeys
{
    /// <summary>What every user key starts with; the tag <c>{name}</c> follows (<see cref="StoreKeyMigration"/>).</summary>
    public const string UserPrefix = "gw:user:";

    /// <summary>Pub/sub channel: a username whose 2FA record changed; every instance drops its cached copy.</summary>
    public const string UserChangedChannel = "gw:user-changed";

    /// <summary>Pub/sub: a package's publishing rule changed (the message is the package name).</summary>
    public const string PackageRuleChangedChannel = "gw:package-rule-changed";

    /// <summary>String list (Data Protection's XML repository): the shared key ring, when the store is Redis.</summary>
    public const string DataProtectionKeyRing = "gw:dataprotection:keys";

    /// <summary>String: the HMAC key of keyed hashes, encrypted with Data Protection; the first instance writes it.</summary>
    public const string HmacKey = "gw:keys:hmac";

    /// <summary>List, capped (<c>Gateway:Operations:AuditRetention</c>): the audit trail of every instance, newest first, one JSON event per entry.</summary>
    public const string AuditTrail = "gw:audit";

    /// <summary>
    /// List, capped at <see cref="AuditRecords.PerUser"/>, expiring <see cref="AuditRecords.PerUserLifetime"/> after its last event:
    /// the user's own audit events, newest first (the account page's history). Written only for an account the gateway knows
    /// (one with a 2FA record, or a list already).
    /// </summary>
    public static RedisKey UserAuditTrail(string username) => UserTag(username) + ":audit";

    /// <summary>Hash: the user's 2FA record (mode, encrypted secret, pending enrolment, times).</summary>
    public static RedisKey User(string username) => UserTag(username);

    /// <summary>Set: keyed hashes of the user's unused recovery codes.</summary>
    public static RedisKey RecoveryCodes(string username) => UserTag(username) + ":recovery";

    /// <summary>Hash with a TTL: consecutive second-factor failures (count, lockedUntil).</summary>
    public static RedisKey Failures(string username) => UserTag(username) + ":failures";

    /// <summary>Hash with a TTL: failures counted apart from second factors (e.g. the web sign-in's passwords).</summary>
    public static RedisKey Failures(string username, string scope) => Failures(username).Append(":" + scope);

    /// <summary>String with a TTL: the credential an accepted TOTP time step is bound to.</summary>
    public static RedisKey UsedTotp(string username, long step) => UserTag(username) + ":totp:" + step;

    /// <summary>String with a TTL: the credential a consumed recovery code is bound to, for the rest of one npm command.</summary>
    public static RedisKey UsedRecoveryCode(string username, string codeHash) => UserTag(username) + ":rc-used:" + codeHash;

    /// <summary>Hash: credential id (base64url) → the security key's record (JSON).</summary>
    public static RedisKey SecurityKeys(string username) => UserTag(username) + ":keys";

    /// <summary>Hash: credential id → sign counter; apart from the record so the counter can be compared-and-set alone.</summary>
    public static RedisKey SecurityKeyCounters(string username) => UserTag(username) + ":keys:counters";

    /// <summary>Hash: credential id → last successful use (Unix ms).</summary>
    public static RedisKey SecurityKeysUsed(string username) => UserTag(username) + ":keys:used";

    /// <summary>String: the user's WebAuthn user handle.</summary>
    public static RedisKey WebAuthnHandle(string username) => UserTag(username) + ":webauthn-handle";

    /// <summary>String: user handle → username (what the passkey handler's FindByIdAsync needs).</summary>
    public static RedisKey WebAuthnHandleOwner(string handle) => "gw:webauthn:handle:" + handle;

    /// <summary>String: credential id → username; makes a credential id registrable once across all users.</summary>
    public static RedisKey WebAuthnCredentialOwner(string credentialId) => "gw:webauthn:credential:" + credentialId;

    /// <summary>String with a TTL: a WebAuthn ceremony's server-side state, taken once.</summary>
    public static RedisKey WebAuthnCeremony(string ceremonyId) => "gw:webauthn:ceremony:" + ceremonyId;

    /// <summary>String with a TTL: the username the registry's whoami gave for a credential (a keyed hash).</summary>
    public static RedisKey CredentialUser(string credentialId) => "gw:id:" + credentialId;

    /// <summary>Hash with a TTL: a browser flow, under the keyed hash of its id.</summary>
    public static RedisKey Flow(string flowHash) => "gw:flow:" + flowHash;

    /// <summary>String with a TTL: done id (keyed hash) → the flow's id hash; the CLI polls it.</summary>
    public static RedisKey FlowDone(string doneHash) => "gw:flow-done:{" + doneHash + "}";

    /// <summary>String with a TTL: a completed flow's encrypted result, taken once by the CLI.</summary>
    public static RedisKey FlowResult(string doneHash) => "gw:flow-result:{" + doneHash + "}";

    /// <summary>Hash with a TTL: a web-OTP token (keyed hash) → the approved request, and whether it was used.</summary>
    public static RedisKey WebOtpToken(string tokenHash) => "gw:webotp:" + tokenHash;

    /// <summary>Counter with a TTL: how many web-OTP flows one credential (a keyed hash) opened in the current flow lifetime.</summary>
    public static RedisKey OpenWebOtpFlows(string credentialId) => "gw:credential:" + credentialId + ":web-otp-flows";

    /// <summary>Counter with a TTL: how many web logins (<c>POST /-/v1/login</c>) one client network started in the current window.</summary>
    public static RedisKey WebLoginStarts(string clientNetwork) => "gw:client:" + clientNetwork + ":web-logins";

    /// <summary>
    /// Hash with a TTL (<c>Gateway:SignIn:AddressFailureLifetime</c>, refreshed by each attempt): wrong passwords from one client
    /// network (an IPv4 address, or an IPv6 /64) and its back-off (count, lockedUntil). Never keyed by an account.
    /// </summary>
    public static RedisKey PasswordFailures(string clientNetwork) => "gw:client:" + clientNetwork + ":password-failures";

    /// <summary>String with a TTL (past the token's expiry): what the gateway enforces for a token, under its credential's keyed hash.</summary>
    public static RedisKey Token(string username, string credentialId) => UserTag(username) + ":token:" + credentialId;

    /// <summary>Hash: the registry's token key (what <c>npm token revoke</c> names) → the token's credential keyed hash.</summary>
    public static RedisKey TokenKeys(string username) => UserTag(username) + ":tokens";

    /// <summary>
    /// String (TTL at least the record's): the user who owns the token record under this keyed hash, so that a read,
    /// which never asks the registry who is calling, finds the record (<see cref="TokenRecords.FindAsync(string, CancellationToken)"/>).
    /// A global key (no tag): its own slot, apart from the user's; <see cref="TokenRecords"/> orders the two writes.
    /// </summary>
    public static RedisKey TokenOwner(string credentialId) => TokenOwnerPrefix + credentialId;

    /// <summary>What every token owner index key starts with.</summary>
    public const string TokenOwnerPrefix = "gw:token-owner:";

    /// <summary>String: a package's publishing rule (<c>none</c>, <c>automation</c>, <c>publish</c>), set with <c>npm access set mfa</c>.</summary>
    public static RedisKey PackageMfa(string package) => "gw:package:" + CheckedPackage(package) + ":mfa";

    /// <summary>
    /// Set: packages whose maintainers asked on the account page that their publishes be staged, one set per rule
    /// (<c>required</c>, <c>required-for-tokens</c>). One hash tag, so a change moves a package between them in one
    /// transaction, and a batch publish (which names no package) asks whether either set has any member.
    /// </summary>
    public static RedisKey PackagesStaged(string rule) => "gw:{staging}:" + rule;

    /// <summary>Set: users who published the package through the gateway (its maintainers when the registry lists none).</summary>
    public static RedisKey PackagePublishers(string package) => "gw:package:" + CheckedPackage(package) + ":publishers";

    /// <summary>String: the package's one trust configuration (npm's JSON, with its id), set with <c>npm trust</c> (TrustedPublishing/).</summary>
    public static RedisKey PackageTrust(string package) => "gw:package:" + CheckedPackage(package) + ":trust";

    /// <summary>
    /// Set: the packages that have a trust configuration, so the account page lists a maintainer's trusted publishers
    /// without a SCAN. An index only (the two live in different slots): a member whose <see cref="PackageTrust"/> is gone
    /// is skipped.
    /// </summary>
    public const string TrustedPackages = "gw:trusted-packages";

    /// <summary>String with a TTL (the id token's expiry): an exchanged id token's keyed <c>iss</c> + <c>jti</c>, so each is exchanged once.</summary>
    public static RedisKey ExchangedIdToken(string tokenIdHash) => "gw:oidc-jti:" + tokenIdHash;

    /// <summary>String (counter, TTL = window): trusted-publishing exchanges attempted from one client network.</summary>
    public static RedisKey OidcExchanges(string clientNetwork) => "gw:client:" + clientNetwork + ":oidc-exchanges";

    /// <summary>Set: scopes (<c>@acme</c>) the user published into through the gateway: the scopes they are a member of.</summary>
    public static RedisKey UserScopes(string username) => UserTag(username) + ":scopes";

    /// <summary>
    /// Hash (TTL: the staging lifetime, docs/ARCHITECTURE.md "Staged publishes"): a staged publish's record — the list item,
    /// the publish document without its tarball, where the tarball goes back in, its length and chunk count. Tagged with
    /// the stage id, so the record and its tarball chunks share one cluster slot and are removed by one command.
    /// </summary>
    public static RedisKey Stage(string stageId) => StageTag(stageId);

    /// <summary>String (the record's TTL): the <paramref name="index"/>-th fixed-size piece of a staged tarball.</summary>
    public static RedisKey StageChunk(string stageId, int index) => StageTag(stageId) + ":tarball:" + index;

    /// <summary>Sorted set: every staged publish's id, scored by when it was staged (Unix ms); what lists and expiry walk.</summary>
    public const string StageIndex = "gw:stage-index";

    /// <summary>
    /// String (the record's TTL): <c>package@version</c> → the id staging it; claimed with <c>SET NX</c>, so a version is
    /// staged once. Tagged with the package, the slot of <see cref="StagedVersions"/>, so one script claims both.
    /// </summary>
    public static RedisKey StagedVersion(string package, string version) =>
        "gw:stage-version:{" + CheckedPackage(package) + "}@" + CheckedVersion(version);

    /// <summary>
    /// Set (TTL: the latest claim's): the versions of the package stages claimed, kept with the claims by one script, so a
    /// direct publish asks one command whether it must look at its body (docs/ARCHITECTURE.md, "Staged publishes"). A
    /// member whose claim expired stays until the set does: the claim itself decides.
    /// </summary>
    public static RedisKey StagedVersions(string package) => "gw:stage-versions:{" + CheckedPackage(package) + "}";

    private static string StageTag(string stageId) => "gw:stage:{" + CheckedStageId(stageId) + "}";

    /// <summary>Stage ids are lowercase UUIDs, made by the gateway and checked where a client names one.</summary>
    internal static string CheckedStageId(string stageId) =>
        stageId.Length == 36 && Guid.TryParseExact(stageId, "D", out _) && stageId.All(c => c is '-' or (>= '0' and <= '9') or (>= 'a' and <= 'f'))
            ? stageId
            : throw new ArgumentException("A stage id that is not a lowercase UUID reached a store key.", nameof(stageId));

    /// <summary>Versions a key may carry: semver's characters (letters, digits, <c>.+-</c>), at most 256.</summary>
    internal static bool IsWellFormedVersion(string version) =>
        version is { Length: > 0 and <= 256 } && version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-');

    /// <summary>Checked where the publish document named it (<see cref="IsWellFormedVersion"/>); this is the last line.</summary>
    internal static string CheckedVersion(string version) =>
        IsWellFormedVersion(version) ? version : throw new ArgumentException("A version that is not well-formed reached a store key.", nameof(version));

    /// <summary>
    /// <c>gw:user:{name}</c>: the user's slot. Usernames have no braces (<see cref="Accounts.Usernames"/>), so the
    /// tag is the whole name and two users' keys never share a tag.
    /// </summary>
    private static string UserTag(string username) => UserPrefix + "{" + Checked(username) + "}";

    /// <summary>
    /// Every username reaching a key was checked where it entered (<see cref="Accounts.Usernames"/>); this is
    /// the last line: a name that could reach another record's key is a bug, and fails loudly.
    /// </summary>
    internal static string Checked(string username) => Accounts.Usernames.IsWellFormed(username)
        ? username
        : throw new ArgumentException("A username that is not well-formed reached a store key.", nameof(username));

    /// <summary>npm package names (normalised by the route policy): never a separator the key schema uses.</summary>
    internal static string CheckedPackage(string package) =>
        package is { Length: > 0 and <= 214 } && !package.Contains(':') && !package.Contains('{') && !package.Contains('}') && package.All(c => c > ' ' && c < 127)
            ? package
            : throw new ArgumentException("A package name that is not well-formed reached a store key.", nameof(package));
}
