using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Policy;

namespace Gateway.Tests.Automation;

public sealed class PackageRulesFileTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "package-rules-" + Guid.NewGuid().ToString("N") + ".json");

    public void Dispose() => File.Delete(_file);

    private PackageRulesFile Load(string json)
    {
        File.WriteAllText(_file, json);
        return PackageRulesFile.Load(_file);
    }

    [Fact]
    public void ShippedFile_Loads()
    {
        var rules = PackageRulesFile.Load(Path.Combine(RepoPaths.Root, "config", "package-rules.json"));

        Assert.Empty(rules.Packages);
        Assert.Empty(rules.Scopes);
    }

    [Fact]
    public void Staging_FirstMatchThatSaysWins_AndABatchGetsTheStrictestRule()
    {
        var rules = Load("""
            {"packages":[{"match":"@acme/open","staging":"none"},{"match":"@acme/*","mfa":"publish","staging":"required-for-tokens"},{"match":"core","staging":"required"},{"match":"core","mfa":"automation"}]}
            """);

        Assert.Equal(StagedPublishing.None, rules.StagingFor("@acme/open"));
        Assert.Equal(PackageMfa.Publish, rules.DefaultFor("@acme/open"));
        Assert.Equal(StagedPublishing.RequiredForTokens, rules.StagingFor("@acme/widget"));
        Assert.Equal((StagedPublishing.Required, PackageMfa.Automation), (rules.StagingFor("core"), rules.DefaultFor("core")));
        Assert.Equal(StagedPublishing.None, rules.StagingFor("left-pad"));
        // A publish that names no package (pnpm's batch) may contain any of them.
        Assert.Equal(StagedPublishing.Required, rules.StagingFor(null));
        Assert.Equal(StagedPublishing.None, PackageRulesFile.Empty.StagingFor(null));
    }

    [Fact]
    public void MissingFile_IsNoRules() => Assert.Same(PackageRulesFile.Empty, PackageRulesFile.Load(_file));

    [Fact]
    public void Defaults_FirstMatchWins_ExactScopeAndPrefix()
    {
        var rules = Load("""
            {"packages":[{"match":"left-pad","mfa":"publish"},{"match":"@acme/*","mfa":"automation"},{"match":"acme-*","mfa":"publish"},{"match":"@acme/open","mfa":"none"}]}
            """);

        Assert.Equal(PackageMfa.Publish, rules.DefaultFor("left-pad"));
        Assert.Equal(PackageMfa.None, rules.DefaultFor("left-pad2"));
        Assert.Equal(PackageMfa.Automation, rules.DefaultFor("@acme/widget"));
        Assert.Equal(PackageMfa.Automation, rules.DefaultFor("@acme/open"));
        Assert.Equal(PackageMfa.Publish, rules.DefaultFor("acme-cli"));
        Assert.Equal(PackageMfa.None, rules.DefaultFor("@acmecorp/widget"));
    }

    [Fact]
    public void Scopes_NameTheirPackagesAndTheStrictestMembership()
    {
        var rules = Load("""
            {"scopes":[{"scope":"@acme","require":"auth-only","members":["alice","bob"]},{"scope":"@core","require":"auth-and-writes","members":["alice"]}]}
            """);

        Assert.Equal("@acme", rules.ScopeOf("@acme/widget")?.Scope);
        Assert.Null(rules.ScopeOf("acme-widget"));
        Assert.Equal((TwoFactorMode.AuthAndWrites, "@core"), rules.MemberRequirement("alice"));
        Assert.Equal((TwoFactorMode.AuthOnly, "@acme"), rules.MemberRequirement("bob"));
        Assert.Equal((TwoFactorMode.Disabled, null), rules.MemberRequirement("carol"));
        // A maintainer of a package in a scope is its member, listed or not; scopes without a requirement add nothing.
        Assert.Equal((TwoFactorMode.AuthAndWrites, "@core"), rules.MemberRequirement("carol", ["@elsewhere", "@core"]));
        Assert.Equal((TwoFactorMode.AuthAndWrites, "@core"), rules.MemberRequirement("bob", ["@core"]));
        Assert.Equal((TwoFactorMode.Disabled, null), rules.MemberRequirement("carol", ["@elsewhere"]));
        Assert.False(rules.ScopeOf("@acme/widget")!.ReportOnly);
    }

    [Fact]
    public void Scope_CanBeInReportOnly() =>
        Assert.True(Load("""{"scopes":[{"scope":"@acme","require":"auth-only","enforcement":"report-only"}]}""").ScopeOf("@acme/x")!.ReportOnly);

    [Theory]
    [InlineData("""{"packages":[{"match":"x","mfa":"sometimes"}]}""", "packages[0]: \"mfa\"")]
    [InlineData("""{"packages":[{"match":"a*b","mfa":"none"}]}""", "packages[0]: \"match\"")]
    [InlineData("""{"scopes":[{"scope":"acme","require":"auth-only"}]}""", "scopes[0]: \"scope\"")]
    [InlineData("""{"scopes":[{"scope":"@acme","require":"disabled"}]}""", "scopes[0]: \"require\"")]
    [InlineData("""{"scopes":[{"scope":"@acme","require":"auth-only","members":["a:b"]}]}""", "\"members\"")]
    [InlineData("""{"scopes":[{"scope":"@a","require":"auth-only"},{"scope":"@a","require":"auth-only"}]}""", "listed 2 times")]
    [InlineData("""{"scopes":[{"scope":"@a","require":"auth-only","enforcement":"soft"}]}""", "\"enforcement\"")]
    [InlineData("""{"package":[]}""", "unknown key \"package\"")]
    [InlineData("""{"packages":[{"match":"x","staging":"always"}]}""", "packages[0]: \"staging\" must be none, required-for-tokens or required, not 'always'")]
    [InlineData("""{"packages":[{"match":"x","staging":true}]}""", "packages[0]: \"staging\" must be a string")]
    [InlineData("""{"packages":[{"match":"x"}]}""", "packages[0]: needs \"mfa\", \"staging\" or both")]
    [InlineData("""{"packages":[{"match":"x","mfa":"none","stage":"required"}]}""", "packages[0]: unknown key \"stage\"")]
    [InlineData("""not json""", "not JSON")]
    public void InvalidFile_IsRefusedWithWhereAndWhy(string json, string problem)
    {
        var error = Assert.Throws<PolicyFileException>(() => Load(json));

        Assert.Contains(error.Errors, e => e.Contains(problem, StringComparison.Ordinal) && e.StartsWith(_file, StringComparison.Ordinal));
        Assert.StartsWith("Package rules ", error.Message, StringComparison.Ordinal);
    }
}
