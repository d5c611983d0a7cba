using System.Net;
using Gateway.Automation;
using Gateway.Policy;

using Gateway.Tests.Policy;

namespace Gateway.Tests.Automation;

/// <summary>
/// A recorded token's limits on reads (issue 10: "on every request that presents it"), and what someone holding a
/// stolen limited token would try on the read path: other packages in every spelling the registry reads as one name.
/// </summary>
public sealed class ReadRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private static readonly RoutePolicy Policy = RoutePolicyParser.Load(RepoPaths.RoutePolicy);

    private static TokenAttributes Token(string[]? packages = null, string[]? scopes = null, TokenPermission permission = TokenPermission.ReadWrite,
        string[]? cidrs = null, DateTimeOffset? expires = null) =>
        new("alice", "key1", "ci", Now.AddDays(-1), expires ?? Now.AddDays(6), packages ?? [], scopes ?? [], permission, cidrs ?? [], false);

    private static RequestClassification Classify(string method, string target) =>
        Policy.Classify(method, RequestPath.Parse(target), RequestBody.NotRead, out _) ?? throw new InvalidOperationException(target + " needs a body");

    private static WriteVerdict? Refusal(string target, TokenAttributes token, string method = "GET", IPAddress? client = null) =>
        ReadRules.Refusal(Classify(method, target), token, method is "GET" or "HEAD", client ?? Client, Now);

    [Theory]
    [InlineData("/-/org/acme/user", null, null, false)]                         // no limits: the owner's rights
    [InlineData("/-/org/acme/user", "acme", OrgsPermission.ReadOnly, false)]
    [InlineData("/-/org/ACME/user", "acme", OrgsPermission.ReadWrite, false)]
    [InlineData("/-/org/beta/user", "acme", OrgsPermission.ReadOnly, true)]      // another organisation
    [InlineData("/-/team/beta/devs/user", "acme", OrgsPermission.ReadOnly, true)]
    [InlineData("/-/org/acme/team", null, OrgsPermission.NoAccess, true)]
    [InlineData("/-/team/acme/devs/package", "acme", OrgsPermission.Unset, true)] // --orgs alone grants no access
    public void OrganisationReads_FollowTheTokensOrganisationLimits(string target, string? org, OrgsPermission? permission, bool refused)
    {
        var token = org is null && permission is null ? Token()
            : Token() with { Orgs = org is null ? null : [org], OrgsPermission = permission ?? OrgsPermission.Unset };

        Assert.Equal(refused, Refusal(target, token) is { Status: 403 });
    }

    [Fact]
    public void PackageLimitedToken_ReadsNoOrganisation() =>
        Assert.Contains("no organisation access", Refusal("/-/org/acme/package", Token(packages: ["demo-pkg"]))?.Message, StringComparison.Ordinal);

    [Fact]
    public void ExpiredToken_Read_Is401WithTheExpiry()
    {
        var refused = Refusal("/demo-pkg", Token(expires: Now.AddMinutes(-1)));

        Assert.Equal(401, refused?.Status);
        Assert.Contains("This token expired on 2026-11-27 11:59 UTC", refused!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredToken_PackagelessRead_Is401Too() =>
        Assert.Equal(401, Refusal("/-/whoami", Token(expires: Now))?.Status);

    [Theory]
    [InlineData("192.0.2.10", null)]
    [InlineData("::ffff:192.0.2.10", null)]
    [InlineData("198.51.100.7", 403)]
    public void NetworkLimitedToken_Read_OnlyFromItsNetworks(string client, int? status) =>
        Assert.Equal(status, Refusal("/demo-pkg", Token(cidrs: ["192.0.2.0/24"]), client: IPAddress.Parse(client))?.Status);

    [Theory]
    [InlineData("/demo-pkg")]
    [InlineData("/demo-pkg/1.0.0")]
    [InlineData("/demo-pkg/-/demo-pkg-1.0.0.tgz")]
    [InlineData("/-/package/demo-pkg/dist-tags")]
    public void PackageLimitedToken_ReadsOfItsPackage_Pass(string target) =>
        Assert.Null(Refusal(target, Token(packages: ["demo-pkg"])));

    [Theory]
    [InlineData("/other-pkg")]
    [InlineData("/other-pkg/latest")]
    [InlineData("/other-pkg/-/other-pkg-1.0.0.tgz")]
    [InlineData("/-/package/other-pkg/dist-tags")]
    [InlineData("//other-pkg/")]
    public void PackageLimitedToken_ReadOfAnotherPackage_Is403NamingIt(string target)
    {
        var refused = Refusal(target, Token(packages: ["demo-pkg"]));

        Assert.Equal(403, refused?.Status);
        Assert.Equal("This token cannot read other-pkg: it is limited to demo-pkg.", refused!.Message);
    }

    [Fact]
    public void PackageLimitedToken_HeadOfAnotherPackage_Is403() =>
        Assert.Equal(403, Refusal("/other-pkg", Token(packages: ["demo-pkg"]), method: "HEAD")?.Status);

    [Theory]
    [InlineData("/@acme/lib")]
    [InlineData("/@acme%2flib")]
    [InlineData("/@acme%2Flib")]
    [InlineData("/%40acme%2flib")]
    [InlineData("/%40acme%2Flib")]
    [InlineData("/%40acme/lib")]
    [InlineData("/@acme%2flib/-/lib-1.0.0.tgz")]
    [InlineData("/@acme/lib/-/@acme/lib-1.0.0.tgz")]
    [InlineData("/%40acme%2flib/1.0.0")]
    public void ScopeLimitedToken_EverySpellingOfAPackageInItsScope_Passes(string target) =>
        Assert.Null(Refusal(target, Token(scopes: ["@acme"])));

    [Theory]
    [InlineData("/@evil/lib", "@evil/lib")]
    [InlineData("/@evil%2flib", "@evil/lib")]
    [InlineData("/%40evil%2Flib", "@evil/lib")]
    [InlineData("/%40evil%2flib/-/lib-1.0.0.tgz", "@evil/lib")]
    [InlineData("/@acmex%2flib", "@acmex/lib")]
    [InlineData("/acme", "acme")]
    public void ScopeLimitedToken_PackagesOutsideItsScope_Are403NamingThem(string target, string package)
    {
        var refused = Refusal(target, Token(scopes: ["@acme"]));

        Assert.Equal(403, refused?.Status);
        Assert.Contains("cannot read " + package + ":", refused!.Message, StringComparison.Ordinal);
        Assert.Contains("@acme/*", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/%40acme%2flib")]
    [InlineData("/@ACME%2Flib")]
    public void PackageLimitedToken_ScopedNameInAnySpelling_IsTheSamePackage(string target)
    {
        var token = Token(packages: ["@acme/lib"]);
        var package = Classify("GET", target).Package!;

        Assert.Equal(package == "@acme/lib", Refusal(target, token) is null);
    }

    [Fact]
    public void ReadOnlyToken_MayRead()
    {
        var token = Token(packages: ["demo-pkg"], permission: TokenPermission.ReadOnly);

        Assert.Null(Refusal("/demo-pkg", token));
        Assert.Null(Refusal("/demo-pkg/-/demo-pkg-1.0.0.tgz", token));
    }

    [Theory]
    [InlineData("/-/whoami")]
    [InlineData("/-/ping")]
    [InlineData("/-/v1/search?text=other-pkg")]
    [InlineData("/-/npm/v1/user")]
    [InlineData("/-/npm/v1/tokens")]
    public void PackageLimitedToken_NamedReadsOfNoPackage_Pass(string target) =>
        Assert.Null(Refusal(target, Token(packages: ["demo-pkg"])));

    [Theory]
    [InlineData("/-/verdaccio/data/sidebar/other-pkg")]
    [InlineData("/-/all")]
    public void PackageLimitedToken_ReadThePolicyNamesNot_Is403(string target)
    {
        Assert.Equal(RequestClassification.DefaultReadRule, Classify("GET", target).Rule);
        Assert.Equal(403, Refusal(target, Token(packages: ["demo-pkg"]))?.Status);
    }

    [Fact]
    public void UnlimitedToken_ReadThePolicyNamesNot_Passes() =>
        Assert.Null(Refusal("/-/verdaccio/data/sidebar/other-pkg", Token()));

    [Fact]
    public void UnlimitedToken_AnyPackage_Passes() =>
        Assert.Null(Refusal("/other-pkg/-/other-pkg-1.0.0.tgz", Token()));

    [Fact]
    public void PackageLimitedToken_StarOfAnotherPackage_IsRefusedNamingTheAction()
    {
        var star = new RequestClassification(TestActions.Named("star"), "other-pkg", ProtectionClass.None, "star");

        var refused = ReadRules.Refusal(star, Token(packages: ["demo-pkg"]), fetch: false, Client, Now);

        Assert.Equal("This token cannot star other-pkg: it is limited to demo-pkg.", refused?.Message);
    }
}
