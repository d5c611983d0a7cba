using Gateway.Tests.Policy;
using System.Net;
using Gateway.Accounts;
using Gateway.Admin;
using Gateway.Automation;
using Gateway.Policy;

namespace Gateway.Tests.Admin;

public sealed class PolicyExplanationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly RequestClassification Publish = new(TestActions.Named("publish"), "@acme/widget", ProtectionClass.Writes, "publish");

    private static readonly PackageRulesFile Rules = new(
        [new PackageRulesFile.PackageDefault("@acme/*", PackageMfa.Automation)],
        [new PackageRulesFile.ScopeRequirement("@acme", TwoFactorMode.AuthOnly, ["alice"])]);

    private static ExplainFacts Facts(TwoFactorMode? mode = null, TokenAttributes? token = null, PackageMfa? stored = null, bool reportOnly = false,
        bool unrecorded = false, TokenOptions? options = null, string? user = null, IReadOnlyCollection<string>? scopes = null) =>
        new(Publish, Rules, "package-rules.json", stored, user, mode, mode is null ? "" : "given with --mode", scopes, token, unrecorded,
            options ?? new TokenOptions(), reportOnly, IPAddress.Loopback, Now);

    private static TokenAttributes Bypass(params string[] packages) =>
        new("alice", "k", "ci", Now, Now.AddDays(7), packages, [], TokenPermission.ReadWrite, [], BypassTwoFactor: true);

    private static string Explain(ExplainFacts facts)
    {
        using var output = new StringWriter();
        PolicyExplanation.Write(facts, output);
        return output.ToString();
    }

    [Fact]
    public void WithoutAMode_EachModeIsDecided_AndTheScopeRefusesAccountsWithout2fa()
    {
        var text = Explain(Facts());

        Assert.Contains("package rule: automation (default of package-rules.json: \"@acme/*\"", text);
        Assert.Contains("scope:        @acme requires auth-only", text);
        Assert.Matches(@"decision:\s+disabled\s+refused 403: The @acme scope requires two-factor authentication", text);
        Assert.Matches(@"auth-only\s+second factor needed", text);
        Assert.Matches(@"auth-and-writes\s+second factor needed", text);
    }

    [Fact]
    public void BypassToken_IsShownWithItsLimits_AndAMaintainersPublishRuleTakesTheBypassAway()
    {
        Assert.Contains("decision:     forwarded without a second factor (bypass-2FA token)", Explain(Facts(TwoFactorMode.AuthAndWrites, Bypass("@acme/widget"))));

        var ruled = Explain(Facts(TwoFactorMode.AuthAndWrites, Bypass("@acme/widget"), stored: PackageMfa.Publish, user: "alice"));
        Assert.Contains("package rule: publish (set by a maintainer", ruled);
        Assert.Contains("bypass-2fa=true", ruled);
        Assert.Contains("decision:     second factor needed", ruled);
    }

    [Fact]
    public void PackageWhosePublishesMustBeStaged_IsShown_AndATokensDirectPublishRefused()
    {
        var rules = new PackageRulesFile([new PackageRulesFile.PackageDefault("@acme/*", null, StagedPublishing.RequiredForTokens)], []);
        var facts = Facts(TwoFactorMode.AuthAndWrites, Bypass("@acme/widget")) with { Rules = rules };

        var text = Explain(facts);

        Assert.Contains("staging:      required-for-tokens (package-rules.json)", text);
        Assert.Contains("package rule: none", text);
        Assert.Contains("decision:     refused 403: @acme/widget must be published through staging when a token publishes", text);
    }

    [Fact]
    public void TokenForAnotherPackage_IsRefusedNamingIt() =>
        Assert.Contains("refused 403: This token cannot publish @acme/widget", Explain(Facts(TwoFactorMode.AuthOnly, Bypass("left-pad"))));

    [Fact]
    public void UnrecordedToken_UnderReadOnly_IsRefused() =>
        Assert.Contains("refused 403: This token was not created through the 2FA gateway",
            Explain(Facts(TwoFactorMode.AuthAndWrites, unrecorded: true, options: new TokenOptions { Unrecorded = UnrecordedTokens.ReadOnly })));

    [Fact]
    public void ReportOnly_SaysWhatWouldBeRecordedInsteadOfRefused()
    {
        var text = Explain(Facts(TwoFactorMode.Disabled, reportOnly: true));

        Assert.Contains("would be refused 403", text);
        Assert.Contains("report-only: forwarded and recorded as would-challenge", text);
        Assert.Contains("report-only: forwarded without one", Explain(Facts(TwoFactorMode.AuthOnly, reportOnly: true)));
    }

    [Fact]
    public void User_ShowsTheScopesTheyAreAMemberOf_ListedOrMaintaining()
    {
        Assert.Contains("member of:    @acme: cannot disable 2FA or go below auth-only", Explain(Facts(TwoFactorMode.AuthOnly, user: "alice", scopes: [])));
        Assert.Contains("member of:    @acme", Explain(Facts(TwoFactorMode.AuthOnly, user: "bob", scopes: ["@acme"])));
        Assert.Contains("member of:    (no scope", Explain(Facts(TwoFactorMode.AuthOnly, user: "bob", scopes: ["@other"])));
    }

    [Theory]
    [InlineData(new[] { "--token-key", "k" }, "--token-key needs --user")]
    [InlineData(new[] { "--user", "alice", "--token-key", "k", "--unrecorded-token" }, "give one of")]
    [InlineData(new[] { "--mode", "sometimes" }, "--mode sometimes")]
    [InlineData(new[] { "--user", "../x" }, "--user ../x")]
    [InlineData(new[] { "--from", "not-an-address" }, "--from")]
    public void Arguments_Invalid_AreRefusedSayingWhy(string[] options, string problem)
    {
        Assert.False(ExplainArguments.TryParse(options, out _, out var why));
        Assert.Contains(problem, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_AreRead()
    {
        Assert.True(ExplainArguments.TryParse(["--mode", "auth-only", "--token-attributes", "{}", "--from", "10.0.0.1", "--package-rules", "r.json"], out var parsed, out _));

        Assert.Equal(TwoFactorMode.AuthOnly, parsed.Mode);
        Assert.Equal("{}", parsed.TokenAttributesJson);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), parsed.From);
        Assert.Equal("r.json", parsed.PackageRulesFile);
    }
}
