using System.Net;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Identity;
using Gateway.Policy;
using Gateway.Tests.Policy;
using Gateway.TwoFactor;

namespace Gateway.Tests.TwoFactor;

/// <summary>
/// The one decision (TwoFactor/RequestDecider.cs), on plain values: every rule the npm stages used to spread over
/// several middlewares, checked without a host — including what an attacker sends: no credential, a credential the
/// registry does not know, a token alone where a second factor is needed.
/// </summary>
public sealed class RequestDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static RequestClassification Request(NpmAction action, string? package = null, string? accountKey = null, bool sideDoor = false) =>
        new(action, package, action.MinimumClass, "test rule", AccountKey: accountKey, SideDoor: sideDoor, Governance: action.MinimumGovernance);

    private static DecisionInput Input(
        RequestClassification request, TwoFactorMode mode = TwoFactorMode.AuthAndWrites, IdentityOutcome identity = IdentityOutcome.Known, string? user = "alice",
        bool passwordLogin = false, TokenAttributes? token = null, bool reportOnly = false, string? body = null, PackageMfa rule = PackageMfa.None,
        bool unrecordedToken = false, StagedPublishing staging = StagedPublishing.None) =>
        new(request, identity, identity == IdentityOutcome.Known ? user : null, HasCredential: identity != IdentityOutcome.Anonymous, passwordLogin, mode, token,
            unrecordedToken, rule, Scope: null, reportOnly, body is null ? null : JsonDocument.Parse(body).RootElement.Clone(), NamesOwnToken: false,
            IPAddress.Loopback, Now, new TokenOptions(), staging);

    private static TokenAttributes CreatedToken(TokenPermission permission = TokenPermission.ReadWrite, bool bypass = false, params string[] packages) =>
        new("alice", "key1", "ci", Now.AddDays(-1), Now.AddDays(6), packages, [], permission, [], bypass);

    public static TheoryData<string> ApproveAndReject => new() { "stage-approve", "stage-reject" };

    [Theory]
    [MemberData(nameof(ApproveAndReject))]
    public void ApproveOrReject_NeedsASecondFactorInBothModes_AndRefusesAnAccountWithout2fa(string name)
    {
        var request = Request(TestActions.Named(name));

        Assert.Equal(ProtectionClass.Auth, request.Class);
        Assert.Equal(DecisionKind.SecondFactor, RequestDecider.Decide(Input(request, TwoFactorMode.AuthOnly)).Kind);
        Assert.Equal(DecisionKind.SecondFactor, RequestDecider.Decide(Input(request, TwoFactorMode.AuthAndWrites)).Kind);
        var without = RequestDecider.Decide(Input(request, TwoFactorMode.Disabled));
        Assert.Equal((DecisionKind.Refuse, 403), (without.Kind, without.Refusal!.Status));
        Assert.StartsWith("Please enable 2fa for your account", without.Refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ApproveAndReject))]
    public void ApproveOrReject_NoTokenBypassesIt_NorReportOnly(string name)
    {
        var request = Request(TestActions.Named(name));

        var bypass = RequestDecider.Decide(Input(request, TwoFactorMode.AuthOnly, token: CreatedToken(bypass: true)));
        var reportOnly = RequestDecider.Decide(Input(request, TwoFactorMode.AuthAndWrites, reportOnly: true));
        var reportOnlyWithout2fa = RequestDecider.Decide(Input(request, TwoFactorMode.Disabled, reportOnly: true));

        Assert.Equal((DecisionKind.SecondFactor, false), (bypass.Kind, bypass.BypassedByToken));
        Assert.Equal((DecisionKind.SecondFactor, false), (reportOnly.Kind, reportOnly.ReportOnly));
        Assert.Equal(DecisionKind.Refuse, reportOnlyWithout2fa.Kind);
        Assert.True(RequestDecider.AlwaysEnforced(request));
    }

    [Theory]
    [MemberData(nameof(ApproveAndReject))]
    public void ApproveOrReject_WithAStageOnlyToken_IsRefusedWhateverTheMode(string name)
    {
        var token = CreatedToken(TokenPermission.StageOnly, bypass: true);

        foreach (var mode in new[] { TwoFactorMode.Disabled, TwoFactorMode.AuthOnly, TwoFactorMode.AuthAndWrites })
        {
            var decision = RequestDecider.Decide(Input(Request(TestActions.Named(name)), mode, token: token));

            Assert.Equal((DecisionKind.Refuse, 403, RefusalReason.TokenOrPackageRules), (decision.Kind, decision.Refusal!.Status, decision.Refusal.Reason));
            Assert.Contains("approving or rejecting one takes a maintainer's own login and second factor", decision.Refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ApproveWithoutCredential_IsTheAnonymousRefusal()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.StageApprove), identity: IdentityOutcome.Anonymous));

        Assert.Equal((401, RefusalReason.Anonymous, RequestDecider.AnonymousMessage), (decision.Refusal!.Status, decision.Refusal.Reason, decision.Refusal.Message));
    }

    [Fact]
    public void Staging_NeedsACallerButNoSecondFactor_AStageOnlyTokenMayStage_AReadOnlyTokenMayNot()
    {
        var stage = Request(NpmAction.StagePublish, "demo-pkg");

        Assert.True(RequestDecider.NeedsCaller(stage));
        Assert.Equal(RefusalReason.Anonymous, RequestDecider.Decide(Input(stage, identity: IdentityOutcome.Anonymous)).Refusal!.Reason);
        Assert.Equal(DecisionKind.Forward, RequestDecider.Decide(Input(stage, TwoFactorMode.AuthAndWrites)).Kind);
        var stageOnly = RequestDecider.Decide(Input(stage, TwoFactorMode.AuthAndWrites, token: CreatedToken(TokenPermission.StageOnly, packages: "demo-pkg")));
        Assert.Equal((DecisionKind.Forward, true), (stageOnly.Kind, stageOnly.StageOnlyToken));
        var readOnly = RequestDecider.Decide(Input(stage, token: CreatedToken(TokenPermission.ReadOnly)));
        Assert.Equal((DecisionKind.Refuse, 403), (readOnly.Kind, readOnly.Refusal!.Status));
        var elsewhere = RequestDecider.Decide(Input(stage, token: CreatedToken(TokenPermission.StageOnly, packages: "other-pkg")));
        Assert.Equal("This token cannot stage-publish demo-pkg: it is limited to other-pkg.", elsewhere.Refusal!.Message);
    }

    [Fact]
    public void StageOnlyToken_DirectPublish_IsRefusedNamingNpmStagePublish()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), TwoFactorMode.AuthAndWrites,
            token: CreatedToken(TokenPermission.StageOnly, bypass: true)));

        Assert.Equal((DecisionKind.Refuse, 403), (decision.Kind, decision.Refusal!.Status));
        Assert.Contains("cannot publish demo-pkg directly. Stage it with npm stage publish", decision.Refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StagingRequired_RefusesEveryDirectPublish_LeavesStagingAndApprovingAlone()
    {
        var publish = RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), staging: StagedPublishing.Required));
        var login = TokenAttributes.ForLogin("alice", Now, null);

        Assert.Equal((DecisionKind.Refuse, 403), (publish.Kind, publish.Refusal!.Status));
        Assert.Contains("demo-pkg must be published through staging: stage it with npm stage publish", publish.Refusal.Message, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Refuse, RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), token: login, staging: StagedPublishing.Required)).Kind);
        Assert.Equal(DecisionKind.Forward, RequestDecider.Decide(Input(Request(NpmAction.StagePublish, "demo-pkg"), staging: StagedPublishing.Required)).Kind);
        Assert.Equal(DecisionKind.SecondFactor, RequestDecider.Decide(Input(Request(NpmAction.StageApprove), staging: StagedPublishing.Required)).Kind);
        Assert.Equal(DecisionKind.SecondFactor, RequestDecider.Decide(Input(Request(NpmAction.Deprecate, "demo-pkg"), staging: StagedPublishing.Required)).Kind);
    }

    [Fact]
    public void StagingRequiredForTokens_RefusesTokens_NotAPersonsLoginOrPassword()
    {
        var request = Request(NpmAction.Publish, "demo-pkg");
        const StagedPublishing tokens = StagedPublishing.RequiredForTokens;

        var created = RequestDecider.Decide(Input(request, token: CreatedToken(bypass: true), staging: tokens));
        var unrecorded = RequestDecider.Decide(Input(request, unrecordedToken: true, staging: tokens));
        var login = RequestDecider.Decide(Input(request, token: TokenAttributes.ForLogin("alice", Now, null), staging: tokens));
        var basic = RequestDecider.Decide(Input(request, staging: tokens));

        Assert.Equal((DecisionKind.Refuse, 403), (created.Kind, created.Refusal!.Status));
        Assert.Contains("through staging when a token publishes", created.Refusal.Message, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Refuse, unrecorded.Kind);
        Assert.Equal(DecisionKind.SecondFactor, login.Kind);
        Assert.Equal(DecisionKind.SecondFactor, basic.Kind);
    }

    [Fact]
    public void BatchPublish_NamesNoPackage_SoAnyStagingRuleRefusesIt()
    {
        var batch = RequestDecider.Decide(Input(Request(NpmAction.PublishBatch), staging: StagedPublishing.Required));

        Assert.Equal((DecisionKind.Refuse, 403), (batch.Kind, batch.Refusal!.Status));
        Assert.Contains("Stage each package with npm stage publish", batch.Refusal.Message, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.SecondFactor, RequestDecider.Decide(Input(Request(NpmAction.PublishBatch))).Kind);
    }

    [Theory]
    [InlineData("publish")]
    [InlineData("token-create")]
    [InlineData("2fa-change")]
    [InlineData("owner")]
    public void ProtectedRequest_WithoutCredential_IsRefusedAsAnonymous(string name)
    {
        var decision = RequestDecider.Decide(Input(Request(TestActions.Named(name), "demo-pkg"), identity: IdentityOutcome.Anonymous));

        Assert.Equal(DecisionKind.Refuse, decision.Kind);
        Assert.Equal((401, RefusalReason.Anonymous), (decision.Refusal!.Status, decision.Refusal.Reason));
    }

    [Fact]
    public void ProtectedRequest_CredentialTheRegistryRefuses_Is401_NeverForwarded()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), identity: IdentityOutcome.Refused));

        Assert.Equal((DecisionKind.Refuse, 401, RefusalReason.CredentialUnknown), (decision.Kind, decision.Refusal!.Status, decision.Refusal.Reason));
    }

    [Fact]
    public void SideDoor_WithoutCredential_Is403()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.RegistryUiWrite, sideDoor: true), identity: IdentityOutcome.Anonymous));

        Assert.Equal((403, RefusalReason.SideDoor), (decision.Refusal!.Status, decision.Refusal.Reason));
    }

    [Theory]
    [InlineData("token-list")]
    [InlineData("profile-get")]
    [InlineData("logout")]
    public void ReadThatNeedsACredential_WithoutOne_IsRefused_WithOne_IsARead(string name)
    {
        var request = Request(TestActions.Named(name));

        Assert.Equal(RefusalReason.Anonymous, RequestDecider.DecideWithoutCaller(request, hasCredential: false, namesOwnToken: false).Refusal!.Reason);
        Assert.Same(RequestDecision.Read, RequestDecider.DecideWithoutCaller(request, hasCredential: true, namesOwnToken: false));
    }

    [Fact]
    public void Read_WithoutCredential_IsTheSharedReadDecision()
    {
        Assert.Same(RequestDecision.Read, RequestDecider.DecideWithoutCaller(Request(NpmAction.Packument, "demo-pkg"), hasCredential: false, namesOwnToken: false));
    }

    [Fact]
    public void Logout_OfTheTokenItPresents_EndsThatTokensRecord()
    {
        var decision = RequestDecider.DecideWithoutCaller(Request(NpmAction.Logout), hasCredential: true, namesOwnToken: true);

        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.True(decision.Record.EndLoggedOutToken);
    }

    [Fact]
    public void WebLogin_NeedsNoCaller_AndIsForwardedToItsEndpoint()
    {
        Assert.False(RequestDecider.NeedsCaller(Request(NpmAction.WebLogin)));
        Assert.Equal(DecisionKind.Forward, RequestDecider.Decide(Input(Request(NpmAction.WebLogin), identity: IdentityOutcome.Anonymous)).Kind);
    }

    [Theory]
    [InlineData(TwoFactorMode.Disabled, "publish", DecisionKind.Forward)]
    [InlineData(TwoFactorMode.AuthOnly, "publish", DecisionKind.Forward)]
    [InlineData(TwoFactorMode.AuthAndWrites, "publish", DecisionKind.SecondFactor)]
    [InlineData(TwoFactorMode.AuthOnly, "token-revoke", DecisionKind.SecondFactor)]
    [InlineData(TwoFactorMode.Disabled, "token-revoke", DecisionKind.Forward)]
    public void Mode_DecidesWhetherASecondFactorIsNeeded(TwoFactorMode mode, string name, DecisionKind expected)
    {
        Assert.Equal(expected, RequestDecider.Decide(Input(Request(TestActions.Named(name), "demo-pkg"), mode)).Kind);
    }

    [Fact]
    public void BypassToken_SkipsTheFactorForAPublish_NeverForGovernance()
    {
        var token = TokenAttributes.ForLogin("alice", Now, null) with { BypassTwoFactor = true };

        var publish = RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), token: token));
        var owner = RequestDecider.Decide(Input(Request(NpmAction.Owner, "demo-pkg"), token: token));

        Assert.Equal((DecisionKind.Forward, true), (publish.Kind, publish.BypassedByToken));
        Assert.Equal((DecisionKind.SecondFactor, false), (owner.Kind, owner.BypassedByToken));
    }

    [Fact]
    public void ReportOnly_ForwardsAPublishWithoutCode_NeverAProfileOr2faChange()
    {
        Assert.True(RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), reportOnly: true)).ReportOnly);
        Assert.False(RequestDecider.Decide(Input(Request(NpmAction.ProfileSet), reportOnly: true)).ReportOnly);
        Assert.False(RequestDecider.Decide(Input(Request(NpmAction.TwoFactorChange), reportOnly: true)).ReportOnly);
        Assert.False(RequestDecider.Decide(Input(Request(NpmAction.RegistryUiWrite, sideDoor: true), reportOnly: true)).ReportOnly);
    }

    [Fact]
    public void Login_OfAnAccountWith2fa_ChecksThePasswordFirst_AndRecordsTheToken()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.Login, accountKey: "name"), TwoFactorMode.AuthOnly, passwordLogin: true));

        Assert.Equal(DecisionKind.SecondFactor, decision.Kind);
        Assert.True(decision.CheckLoginPassword);
        Assert.Equal("alice", decision.Record.TokenToRecord!.User);
    }

    [Fact]
    public void Login_OfAnAccountWithout2fa_IsTheRegistrysToJudge()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.Login, accountKey: "name"), TwoFactorMode.Disabled, passwordLogin: true));

        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.False(decision.CheckLoginPassword);
    }

    [Fact]
    public void TokenCreate_RecordsTheLimitsItsBodyAsksFor_AndRefusesAnUnknownPermission()
    {
        var create = RequestDecider.Decide(Input(Request(NpmAction.TokenCreate), body: """{"password":"x","readonly":true}"""));
        var bad = RequestDecider.Decide(Input(Request(NpmAction.TokenCreate), body: """{"password":"x","packages_and_scopes_permission":"admin"}"""));

        Assert.Equal(TokenPermission.ReadOnly, create.Record.TokenToRecord!.Permission);
        Assert.Equal((DecisionKind.Refuse, RefusalReason.Malformed), (bad.Kind, bad.Refusal!.Reason));
    }

    [Fact]
    public void PackageRuleChange_TakesASecondFactorWhateverTheMode_AndRefusesAnAccountWithout2fa()
    {
        var access = Request(NpmAction.Access, "demo-pkg");

        var authOnly = RequestDecider.Decide(Input(access, TwoFactorMode.AuthOnly, body: """{"publish_requires_tfa":true}"""));
        var without = RequestDecider.Decide(Input(access, TwoFactorMode.Disabled, body: """{"publish_requires_tfa":true}"""));
        var malformed = RequestDecider.Decide(Input(access, TwoFactorMode.AuthOnly, body: """{"publish_requires_tfa":"yes"}"""));

        Assert.Equal(DecisionKind.SecondFactor, authOnly.Kind);
        Assert.Equal(PackageMfa.Publish, authOnly.Record.PackageRuleChange);
        Assert.Equal((403, RefusalReason.RuleChangeWithoutTwoFactor), (without.Refusal!.Status, without.Refusal.Reason));
        Assert.Equal((400, RefusalReason.Malformed), (malformed.Refusal!.Status, malformed.Refusal.Reason));
    }

    [Fact]
    public void ReadOnlyToken_IsRefusedAWrite_ByTheRules()
    {
        var token = TokenAttributes.ForLogin("alice", Now, null) with { Permission = TokenPermission.ReadOnly };

        var decision = RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), TwoFactorMode.Disabled, token: token));

        Assert.Equal((DecisionKind.Refuse, 403, RefusalReason.TokenOrPackageRules), (decision.Kind, decision.Refusal!.Status, decision.Refusal.Reason));
    }

    [Fact]
    public void Publish_RecordsItsPublisher_RevokeForgetsTheToken()
    {
        Assert.True(RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), TwoFactorMode.Disabled)).Record.RecordPublisher);
        Assert.True(RequestDecider.Decide(Input(Request(NpmAction.TokenRevoke), TwoFactorMode.Disabled)).Record.ForgetRevokedToken);
    }

    [Fact]
    public void SideDoor_AcceptsNoPromptedCode()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.RegistryUiWrite, sideDoor: true), TwoFactorMode.AuthOnly));

        Assert.Equal((DecisionKind.SecondFactor, AcceptedFactors.SideDoor), (decision.Kind, decision.Accepts));
    }

    private static TokenAttributes TrustedPublisherToken(bool canPublish = true, bool canStage = false) =>
        new("ci-bot", "oidc-1", "trusted publishing", Now, Now.AddMinutes(15), ["demo-pkg"], [], canPublish ? TokenPermission.ReadWrite : TokenPermission.StageOnly, [],
            BypassTwoFactor: false, Publisher: new TrustedPublisher(canPublish, canStage, "https://issuer", "acme/demo", "acme/demo/.github/workflows/p.yml@main", "main", null, "1"));

    [Fact]
    public void TrustedPublisherToken_PublishesItsPackage_WithoutASecondFactor_WhateverThePackageRule()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), token: TrustedPublisherToken(), rule: PackageMfa.Publish));

        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.NotNull(decision.TrustedPublisher);
        Assert.False(decision.Record.RecordPublisher);
    }

    [Theory]
    [InlineData("owner", "demo-pkg")]
    [InlineData("access", "demo-pkg")]
    [InlineData("trust", "demo-pkg")]
    [InlineData("dist-tag-add", "demo-pkg")]
    [InlineData("deprecate", "demo-pkg")]
    [InlineData("unpublish", "demo-pkg")]
    [InlineData("token-create", null)]
    [InlineData("2fa-change", null)]
    [InlineData("publish", "other-pkg")]
    public void TrustedPublisherToken_AnythingElse_Is403(string action, string? package)
    {
        var decision = RequestDecider.Decide(Input(Request(TestActions.Named(action), package), token: TrustedPublisherToken()));

        Assert.Equal((DecisionKind.Refuse, 403, RefusalReason.TrustedPublisher), (decision.Kind, decision.Refusal!.Status, decision.Refusal.Reason));
    }

    [Fact]
    public void StageOnlyTrustedPublisherToken_CannotPublish()
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.Publish, "demo-pkg"), token: TrustedPublisherToken(canPublish: false, canStage: true)));

        Assert.Equal(RefusalReason.TrustedPublisher, decision.Refusal!.Reason);
    }

    [Fact]
    public void OidcExchange_NeedsNoCaller_ItsIdTokenIsCheckedByItsEndpoint()
    {
        Assert.False(RequestDecider.NeedsCaller(Request(NpmAction.OidcExchange, "demo-pkg")));
    }

    [Theory]
    [InlineData(TwoFactorMode.AuthOnly, false)]
    [InlineData(TwoFactorMode.AuthAndWrites, true)]
    public void Trust_AlwaysASecondFactor_EvenInReportOnly(TwoFactorMode mode, bool reportOnly)
    {
        var decision = RequestDecider.Decide(Input(Request(NpmAction.Trust, "demo-pkg"), mode: mode, reportOnly: reportOnly));

        Assert.Equal(DecisionKind.SecondFactor, decision.Kind);
        Assert.False(decision.ReportOnly);
    }

    [Fact]
    public void Trust_WithoutTwoFactorOrWithABypassToken_Is403()
    {
        var bypass = new TokenAttributes("alice", "k", "ci", Now, Now.AddDays(1), [], [], TokenPermission.ReadWrite, [], BypassTwoFactor: true);

        Assert.Equal(403, RequestDecider.Decide(Input(Request(NpmAction.Trust, "demo-pkg"), mode: TwoFactorMode.Disabled)).Refusal!.Status);
        Assert.Equal(403, RequestDecider.Decide(Input(Request(NpmAction.Trust, "demo-pkg"), token: bypass)).Refusal!.Status);
    }
}
