using Gateway.Tests.Policy;
using System.Net;
using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Policy;

namespace Gateway.Tests.Automation;

public sealed class WriteRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private static readonly TokenOptions Options = new();

    private static readonly RequestClassification Publish = new(TestActions.Named("publish"), "demo-pkg", ProtectionClass.Writes, "publish");
    private static readonly RequestClassification PublishOther = new(TestActions.Named("publish"), "other-pkg", ProtectionClass.Writes, "publish");
    private static readonly RequestClassification Owner = new(TestActions.Named("owner"), "demo-pkg", ProtectionClass.Writes, "owner", Governance: true);
    private static readonly RequestClassification TokenCreate = new(TestActions.Named("token-create"), null, ProtectionClass.Auth, "token-create");
    private static readonly RequestClassification Read = new(TestActions.Named("packument"), "demo-pkg", ProtectionClass.None, "packument");

    private static readonly RequestClassification TeamAdd = new(TestActions.Named("team-add"), null, ProtectionClass.Writes, "team-add", Governance: true, Organisation: "acme");
    private static readonly RequestClassification PublishBatch = new(TestActions.Named("publish-batch"), null, ProtectionClass.Writes, "publish-batch");
    private static readonly RequestClassification StagePublish = new(TestActions.Named("stage-publish"), "demo-pkg", ProtectionClass.None, "stage-publish");

    private static TokenAttributes Token(bool bypass = false, string[]? packages = null, string[]? scopes = null, TokenPermission permission = TokenPermission.ReadWrite,
        string[]? cidrs = null, DateTimeOffset? expires = null, string[]? orgs = null, OrgsPermission orgsPermission = OrgsPermission.Unset) =>
        new("alice", "key1", "ci", Now.AddDays(-1), expires ?? Now.AddDays(6), packages ?? [], scopes ?? [], permission, cidrs ?? [], bypass, orgs, orgsPermission);

    [Fact]
    public void StageOnlyToken_MayStage_ButNothingProtected_NotEvenWithACode()
    {
        var token = Token(permission: TokenPermission.StageOnly, bypass: true);

        Assert.Equal(Requirement.None, Decide(StagePublish, TwoFactorMode.AuthAndWrites, token).Requirement);
        var publish = Decide(Publish, TwoFactorMode.AuthAndWrites, token);
        Assert.Equal(Requirement.Refused, publish.Requirement);
        Assert.Contains("stage", publish.Message, StringComparison.Ordinal);
        Assert.Equal(Requirement.Refused, Decide(new(TestActions.Named("stage-approve"), null, ProtectionClass.Auth, "stage-approve"), TwoFactorMode.AuthAndWrites, token).Requirement);
    }

    [Theory]
    [InlineData(null, OrgsPermission.Unset, Requirement.SecondFactor)]          // no org fields: the owner's rules
    [InlineData(null, OrgsPermission.ReadWrite, Requirement.SecondFactor)]
    [InlineData("acme", OrgsPermission.ReadWrite, Requirement.SecondFactor)]
    [InlineData("ACME", OrgsPermission.ReadWrite, Requirement.SecondFactor)]
    [InlineData("beta", OrgsPermission.ReadWrite, Requirement.Refused)]         // another organisation
    [InlineData("acme", OrgsPermission.Unset, Requirement.Refused)]             // --orgs without a permission grants none
    [InlineData(null, OrgsPermission.ReadOnly, Requirement.Refused)]
    [InlineData(null, OrgsPermission.NoAccess, Requirement.Refused)]
    public void OrgLimitedToken_ChangesOnlyItsOrganisations_AndAlwaysWithTheSecondFactor(string? org, OrgsPermission permission, Requirement expected)
    {
        var verdict = Decide(TeamAdd, TwoFactorMode.AuthAndWrites, Token(bypass: true, orgs: org is null ? null : [org], orgsPermission: permission));

        Assert.Equal(expected, verdict.Requirement);
        if (expected == Requirement.Refused)
        {
            Assert.Contains("acme", verdict.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OrgLimitedToken_PackageWrites_AreNotLimitedByItsOrganisations() =>
        Assert.Equal(Requirement.None, Decide(Publish, TwoFactorMode.AuthOnly, Token(orgs: ["beta"], orgsPermission: OrgsPermission.NoAccess)).Requirement);

    private static WriteVerdict Decide(RequestClassification request, TwoFactorMode mode, TokenAttributes? token = null, PackageMfa rule = PackageMfa.None,
        bool unrecorded = false, TokenOptions? options = null) =>
        WriteRules.Decide(request, mode, token, unrecorded, options ?? Options, rule, Client, Now);

    [Theory]
    [InlineData(TwoFactorMode.Disabled, Requirement.None)]
    [InlineData(TwoFactorMode.AuthOnly, Requirement.None)]
    [InlineData(TwoFactorMode.AuthAndWrites, Requirement.SecondFactor)]
    public void Publish_WithoutTokenRecordOrPackageRule_FollowsTheUsersMode(TwoFactorMode mode, Requirement expected) =>
        Assert.Equal(expected, Decide(Publish, mode).Requirement);

    [Fact]
    public void BypassToken_PublishOfItsPackage_NeedsNoSecondFactor()
    {
        var verdict = Decide(Publish, TwoFactorMode.AuthAndWrites, Token(bypass: true, packages: ["demo-pkg"]));

        Assert.Equal(Requirement.None, verdict.Requirement);
        Assert.True(verdict.Bypassed);
    }

    [Fact]
    public void BypassToken_PublishOfAnotherPackage_IsRefusedNamingThePackage()
    {
        var verdict = Decide(PublishOther, TwoFactorMode.AuthAndWrites, Token(bypass: true, packages: ["demo-pkg"]));

        Assert.Equal(Requirement.Refused, verdict.Requirement);
        Assert.Equal(403, verdict.Status);
        Assert.Contains("other-pkg", verdict.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// pnpm's batch publish (<c>PUT /-/pnpr/v0/publish</c>) names no package, so a token limited to some packages
    /// cannot be checked against it: refused, or a stolen bypass token limited to one package would publish any
    /// package through the batch route without a code.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PackageLimitedToken_BatchPublishNamingNoPackage_IsRefused(bool bypass)
    {
        var verdict = Decide(PublishBatch, TwoFactorMode.AuthAndWrites, Token(bypass: bypass, packages: ["demo-pkg"]));

        Assert.Equal(Requirement.Refused, verdict.Requirement);
        Assert.Equal(403, verdict.Status);
        Assert.Contains("demo-pkg", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("each package", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnlimitedToken_BatchPublish_IsDecidedAsAPublish() =>
        Assert.Equal(Requirement.SecondFactor, Decide(PublishBatch, TwoFactorMode.AuthAndWrites, Token()).Requirement);

    [Fact]
    public void BypassToken_GovernanceWrite_NeedsTheSecondFactor() =>
        Assert.Equal(Requirement.SecondFactor, Decide(Owner, TwoFactorMode.AuthAndWrites, Token(bypass: true, packages: ["demo-pkg"])).Requirement);

    [Fact]
    public void UnlimitedBypassToken_TokenCreation_NeedsTheSecondFactor() =>
        Assert.Equal(Requirement.SecondFactor, Decide(TokenCreate, TwoFactorMode.AuthOnly, Token(bypass: true)).Requirement);

    [Fact]
    public void PackageLimitedBypassToken_TokenCreation_GetsTheOrdinaryChallenge() =>
        Assert.Equal(Requirement.SecondFactor, Decide(TokenCreate, TwoFactorMode.AuthOnly, Token(bypass: true, packages: ["demo-pkg"])).Requirement);

    [Fact]
    public void BypassToken_PackageThatDisallowsTokens_NeedsTheSecondFactor() =>
        Assert.Equal(Requirement.SecondFactor, Decide(Publish, TwoFactorMode.AuthAndWrites, Token(bypass: true), PackageMfa.Publish).Requirement);

    [Fact]
    public void BypassToken_PackageThatAllowsAutomation_NeedsNoSecondFactor() =>
        Assert.Equal(Requirement.None, Decide(Publish, TwoFactorMode.AuthOnly, Token(bypass: true), PackageMfa.Automation).Requirement);

    [Theory]
    [InlineData(PackageMfa.Automation)]
    [InlineData(PackageMfa.Publish)]
    public void PackageRule_RaisesAnAuthOnlyUserToASecondFactor(PackageMfa rule) =>
        Assert.Equal(Requirement.SecondFactor, Decide(Publish, TwoFactorMode.AuthOnly, rule: rule).Requirement);

    [Fact]
    public void PackageRule_UserWithout2fa_IsRefusedWithTheCommandThatEnablesIt()
    {
        var verdict = Decide(Publish, TwoFactorMode.Disabled, rule: PackageMfa.Publish);

        Assert.Equal(Requirement.Refused, verdict.Requirement);
        Assert.Contains("npm profile enable-2fa", verdict.Message, StringComparison.Ordinal);
        Assert.True(verdict.LacksSecondFactor);
    }

    [Fact]
    public void TokenRefusals_AreNotForLackOfASecondFactor() =>
        Assert.False(Decide(PublishOther, TwoFactorMode.AuthAndWrites, Token(packages: ["demo-pkg"])).LacksSecondFactor);

    [Fact]
    public void ExpiredToken_IsRefusedWith401SayingItExpired()
    {
        var verdict = Decide(Publish, TwoFactorMode.AuthAndWrites, Token(bypass: true, expires: Now.AddSeconds(-1)));

        Assert.Equal((Requirement.Refused, 401), (verdict.Requirement, verdict.Status));
        Assert.Contains("expired", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOnlyToken_Write_IsRefused_ButReadsAreNot()
    {
        var token = Token(permission: TokenPermission.ReadOnly);

        Assert.Equal(Requirement.Refused, Decide(Publish, TwoFactorMode.Disabled, token).Requirement);
        Assert.Equal(Requirement.None, Decide(Read, TwoFactorMode.Disabled, token).Requirement);
    }

    [Theory]
    [InlineData("192.0.2.0/24", Requirement.None)]
    [InlineData("198.51.100.0/24", Requirement.Refused)]
    [InlineData("2001:db8::/32", Requirement.Refused)]
    public void TokenWithNetworks_IsUsableOnlyFromThem(string cidr, Requirement expected) =>
        Assert.Equal(expected, Decide(Publish, TwoFactorMode.Disabled, Token(cidrs: [cidr])).Requirement);

    [Fact]
    public void ScopeLimitedToken_CoversThePackagesOfItsScopeOnly()
    {
        var token = Token(scopes: ["@acme"]);

        Assert.Equal(Requirement.None, Decide(Publish with { Package = "@acme/widget" }, TwoFactorMode.Disabled, token).Requirement);
        Assert.Equal(Requirement.Refused, Decide(Publish with { Package = "@acmecorp/widget" }, TwoFactorMode.Disabled, token).Requirement);
        Assert.Equal(Requirement.Refused, Decide(Publish, TwoFactorMode.Disabled, token).Requirement);
    }

    [Fact]
    public void UnrecordedToken_ReadOnlyPolicy_RefusesWritesOnly()
    {
        var options = new TokenOptions { Unrecorded = UnrecordedTokens.ReadOnly };

        Assert.Equal(Requirement.Refused, Decide(Publish, TwoFactorMode.AuthAndWrites, unrecorded: true, options: options).Requirement);
        Assert.Equal(Requirement.SecondFactor, Decide(Publish, TwoFactorMode.AuthAndWrites, unrecorded: true).Requirement);
    }

    [Theory]
    [InlineData(TwoFactorMode.Disabled, Requirement.Refused)]
    [InlineData(TwoFactorMode.AuthOnly, Requirement.Refused)]
    [InlineData(TwoFactorMode.AuthAndWrites, Requirement.SecondFactor)]
    public void ScopeRequiringAuthAndWrites_RefusesWritersBelowIt(TwoFactorMode mode, Requirement expected)
    {
        var scope = new PackageRulesFile.ScopeRequirement("@acme", TwoFactorMode.AuthAndWrites, []);

        var verdict = WriteRules.Decide(Publish with { Package = "@acme/widget" }, mode, null, false, Options, PackageMfa.None, Client, Now, scope);

        Assert.Equal(expected, verdict.Requirement);
        Assert.True(expected != Requirement.Refused || verdict.Message!.Contains("npm profile enable-2fa auth-and-writes", StringComparison.Ordinal));
    }
}
