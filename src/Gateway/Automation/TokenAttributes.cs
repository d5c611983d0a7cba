using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Automation;

/// <summary>
/// What the gateway enforces for one token created through it, from the granular fields of <c>npm token create</c>
/// (npm 11) that the registry behind accepts and ignores. Stored as JSON; never holds the token itself.
/// </summary>
/// <param name="Packages">Packages the token may act on (empty with <paramref name="Scopes"/> empty: every package).</param>
/// <param name="Scopes">Scopes (<c>@acme</c>) whose packages the token may act on.</param>
/// <param name="Cidrs">Client networks the token may be used from (empty: anywhere).</param>
/// <param name="BypassTwoFactor">Writes without a code: never governance actions, never packages that disallow tokens.</param>
/// <param name="Orgs">Organisations the token may change (<c>--orgs</c>, without <c>@</c>; empty: not limited by name).</param>
/// <param name="OrgsPermission">What the token may do to organisations and teams (<c>--orgs-permission</c>).</param>
/// <param name="Publisher">A token the gateway minted for a trusted workflow (<see cref="TrustedPublisherRules"/>), and that workflow.</param>
public sealed record TokenAttributes(
    string User,
    string? RegistryKey,
    string? Name,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    IReadOnlyList<string> Packages,
    IReadOnlyList<string> Scopes,
    TokenPermission Permission,
    IReadOnlyList<string> Cidrs,
    bool BypassTwoFactor,
    IReadOnlyList<string>? Orgs = null,
    OrgsPermission OrgsPermission = OrgsPermission.Unset,
    TrustedPublisher? Publisher = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };

    /// <summary>The name login tokens are recorded under: <c>npm token list</c> and audit show it.</summary>
    public const string LoginName = "npm login";

    /// <summary>A login's token: what its owner may do, until <paramref name="lifetime"/> ends (if the operator set one).</summary>
    public static TokenAttributes ForLogin(string user, DateTimeOffset now, TimeSpan? lifetime) =>
        new(user, RegistryKey: null, LoginName, now, now + lifetime, [], [], TokenPermission.ReadWrite, [], BypassTwoFactor: false);

    public bool IsLimitedToPackages => Packages.Count > 0 || Scopes.Count > 0;

    /// <summary>
    /// A person's <c>npm login</c> through the gateway rather than a token made for automation: what a package whose
    /// publishes must be staged for tokens still lets publish directly (<c>npm token create</c> may not take this name).
    /// </summary>
    [JsonIgnore]
    public bool IsLogin => Name == LoginName;

    /// <summary>The token was created with <c>--orgs</c> or <c>--orgs-permission</c>: org and team changes are limited by them.</summary>
    [JsonIgnore]
    public bool IsLimitedToOrgs => Orgs is { Count: > 0 } || OrgsPermission != OrgsPermission.Unset;

    /// <summary>The record allows what an unrecorded token with full rights would: no expiry, limit or bypass.</summary>
    [JsonIgnore]
    public bool LimitsNothing => Expires is null && !IsLimitedToPackages && !IsLimitedToOrgs && Permission == TokenPermission.ReadWrite && Cidrs.Count == 0 && !BypassTwoFactor;

    /// <summary>Whether the token may act on <paramref name="package"/> (requests that name no package are not limited by it).</summary>
    public bool Covers(string package) =>
        !IsLimitedToPackages
        || Packages.Contains(package, StringComparer.Ordinal)
        || (PackageRulesFile.ScopeName(package) is { } scope && Scopes.Contains(scope, StringComparer.Ordinal));

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TokenAttributes FromJson(string json) =>
        JsonSerializer.Deserialize<TokenAttributes>(json, Json) ?? throw new JsonException("empty token record");
}

/// <summary>What a token may do to packages (<c>--packages-and-scopes-permission</c>).</summary>
public enum TokenPermission
{
    ReadWrite,
    ReadOnly,

    /// <summary><c>read-write-stage-only</c>: stage releases for a human to approve; nothing protected directly.</summary>
    StageOnly,
}

/// <summary>What a token may do to organisations and teams (<c>--orgs-permission</c>); unset: what its owner may.</summary>
public enum OrgsPermission
{
    Unset,
    ReadWrite,
    ReadOnly,
    NoAccess,
}

public static class TokenPermissionWire
{
    public static string ToWire(this TokenPermission permission) => permission switch
    {
        TokenPermission.ReadOnly => "read-only",
        TokenPermission.StageOnly => "read-write-stage-only",
        _ => "read-write",
    };

    public static string ToWire(this OrgsPermission permission) => permission switch
    {
        OrgsPermission.ReadWrite => "read-write",
        OrgsPermission.ReadOnly => "read-only",
        OrgsPermission.NoAccess => "no-access",
        _ => "unset",
    };
}
