using Gateway.Identity;
using Gateway.Policy;
using Gateway.Security;
using Gateway.Store;
using Gateway.Tests.Store;
using Gateway.TwoFactor;
using Microsoft.Extensions.Time.Testing;

using Gateway.Tests.Policy;

namespace Gateway.Tests.TwoFactor;

/// <summary>
/// A web-OTP token is good for the request its flow recorded (same credential, method, target and body
/// SHA-256), once, and afterwards only for follow-up rules of the same action and package by the same
/// credential, as many as the approved request implies.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class WebOtpTokensTests(RedisServerFixture store)
{
    private const string ApprovedBody = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string SameLengthOtherBody = "2222222222222222222222222222222222222222222222222222222222222222";

    private static readonly RequestTarget s_approved = new("PUT", "/pkg/-rev/3-abc", 420, ApprovedBody);
    private static readonly RequestTarget s_tarball = new("DELETE", "/pkg/-/pkg-1.0.0.tgz/-rev/4-def", null, "e3b0");
    private static readonly RequestClassification s_removal = new(TestActions.Named("unpublish"), "pkg", ProtectionClass.Writes, "rules[5]");
    private static readonly RequestClassification s_tarballDelete = s_removal with { FollowUp = true, Rule = "rules[7]" };

    private readonly WebOtpTokens _tokens = new(new WebOtpRecords(store.Multiplexer, StoreGuard.Create(new FakeTimeProvider()), ReplicaConfirmation.None),
        new KeyedHasher(new SecretKeys(store.Multiplexer), store.Protection));

    private readonly CallerIdentity _caller = new(TestUsers.Unique(), "credential-a");

    [Fact]
    public async Task ExactBody_VerifiedOnce_ThenItsOneFollowUp_ThenNothing()
    {
        var token = await IssueAsync();

        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome);
        Assert.Equal(VerificationOutcome.Replayed, (await VerifyAsync(token, s_removal, s_approved)).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_tarballDelete, s_tarball)).Outcome);
        // An unpublish of one version sends one tarball DELETE: a second is beyond the budget.
        Assert.Equal(VerificationOutcome.Replayed, (await VerifyAsync(token, s_tarballDelete, s_tarball)).Outcome);
    }

    [Fact]
    public async Task SameLengthDifferentBody_Refused_AndTheApprovedBodyStillVerifies()
    {
        var token = await IssueAsync();

        var forged = s_approved with { BodySha256 = SameLengthOtherBody };
        Assert.Equal(VerificationOutcome.Replayed, (await VerifyAsync(token, s_removal, forged)).Outcome);
        Assert.Equal(VerificationOutcome.Replayed, (await VerifyAsync(token, s_removal, s_approved with { BodySha256 = null })).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome);
    }

    [Fact]
    public async Task FollowUps_ConcurrentBeyondTheBudget_ExactlyTheBudgetVerified()
    {
        var token = await IssueAsync();
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => VerifyAsync(token, s_tarballDelete, s_tarball).AsTask()));

        Assert.Equal(1, outcomes.Count(o => o.Outcome == VerificationOutcome.Verified));
    }

    [Fact]
    public async Task ApprovedPublish_ImpliesNoFollowUp()
    {
        var publish = new RequestClassification(TestActions.Named("publish"), "pkg", ProtectionClass.Writes, "rules[2]");
        var request = new RequestTarget("PUT", "/pkg", 420, ApprovedBody);
        var token = await _tokens.IssueAsync(new BrowserFlow("flow", FlowKind.Otp, _caller.Username, "publish", "pkg", false, true, _caller.CredentialId, request), default);

        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, publish, request)).Outcome);
        Assert.Equal(VerificationOutcome.Replayed, (await VerifyAsync(token, publish with { FollowUp = true }, request with { Target = "/pkg/-/x" })).Outcome);
        Assert.Equal(0, WebOtpTokens.FollowUpBudget("publish", "PUT"));
        Assert.Equal(1, WebOtpTokens.FollowUpBudget("login", "PUT"));
    }

    [Fact]
    public async Task FollowUp_BeforeTheApprovedRequest_Refused_AndSpendsNothing()
    {
        var token = await IssueAsync();

        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_tarballDelete, s_tarball)).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_tarballDelete, s_tarball)).Outcome);
    }

    [Theory]
    [InlineData("DELETE", "/pkg/-rev/3-abc")] // another method
    [InlineData("PUT", "/pkg/-rev/3-abd")] // another target
    public async Task AnotherRequest_SameActionPackageAndBody_Refused(string method, string target)
    {
        var token = await IssueAsync();

        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved with { Method = method, Target = target })).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome); // still unused
    }

    [Fact]
    public async Task AnotherCredentialOfTheSameUser_Refused_ForTheApprovedRequestAndItsFollowUp()
    {
        var token = await IssueAsync();

        var other = _caller with { CredentialId = "credential-b" };
        Assert.Equal(VerificationOutcome.Invalid, (await _tokens.VerifyAsync(other, token, new ProtectedRequest(s_removal, s_approved), default)).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome);
        Assert.Equal(VerificationOutcome.Invalid, (await _tokens.VerifyAsync(other, token, new ProtectedRequest(s_tarballDelete, s_tarball), default)).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_tarballDelete, s_tarball)).Outcome); // the budget was not spent by the other
    }

    [Fact]
    public async Task OtherPackageOrAction_OrNoRequest_Refused()
    {
        var token = await IssueAsync();

        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal with { Package = "other" }, s_approved)).Outcome);
        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal with { Action = TestActions.Named("publish") }, s_approved)).Outcome);
        Assert.Equal(VerificationOutcome.Invalid, (await _tokens.VerifyAsync(_caller, token, null, default)).Outcome);
    }

    [Fact]
    public async Task FlowWithoutABodyHash_IssuesNoToken()
    {
        var flow = new BrowserFlow("flow", FlowKind.Otp, _caller.Username, "unpublish", "pkg", false, true, _caller.CredentialId, s_approved with { BodySha256 = null });

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _tokens.IssueAsync(flow, default));
    }

    private ValueTask<string> IssueAsync() => _tokens.IssueAsync(
        new BrowserFlow("flow", FlowKind.Otp, _caller.Username, "unpublish", "pkg", false, true, _caller.CredentialId, s_approved), default);

    private ValueTask<VerificationResult> VerifyAsync(string token, RequestClassification classification, RequestTarget target) =>
        _tokens.VerifyAsync(_caller, token, new ProtectedRequest(classification, target), default);
}
