using Gateway.Identity;
using Gateway.Policy;
using Gateway.Security;
using Gateway.Store;
using Gateway.Tests.Store;
using Gateway.TwoFactor;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.TwoFactor;

/// <summary>
/// A web-OTP token is good for the request its flow recorded (same credential, method, target, length),
/// once, and afterwards only for follow-up rules of the same action and package by the same credential.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class WebOtpTokensTests(RedisServerFixture store)
{
    private static readonly RequestTarget s_approved = new("PUT", "/pkg/-rev/3-abc", 420);
    private static readonly RequestClassification s_removal = new("unpublish", "pkg", ProtectionClass.Writes, "rules[5]");
    private static readonly RequestClassification s_tarballDelete = s_removal with { FollowUp = true, Rule = "rules[7]" };

    private readonly WebOtpTokens _tokens = new(new WebOtpRecords(store.Multiplexer, StoreGuard.Create(new FakeTimeProvider())),
        new KeyedHasher(new SecretKeys(store.Multiplexer), store.Protection));

    private readonly CallerIdentity _caller = new(TestUsers.Unique(), "credential-a");

    [Fact]
    public async Task ApprovedRequest_AcceptedOnce_ThenOnlyFollowUps()
    {
        var token = await IssueAsync();

        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome);
        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_tarballDelete, new("DELETE", "/pkg/-/pkg-1.0.0.tgz/-rev/4-def", null))).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_tarballDelete, new("DELETE", "/pkg/-/pkg-1.0.0.tgz/-rev/4-def", null))).Outcome);
    }

    [Fact]
    public async Task FollowUp_BeforeTheApprovedRequest_Refused()
    {
        var token = await IssueAsync();

        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_tarballDelete, new("DELETE", "/pkg/-/pkg-1.0.0.tgz/-rev/3-abc", null))).Outcome);
    }

    [Theory]
    [InlineData("DELETE", "/pkg/-rev/3-abc", 420L)] // another method
    [InlineData("PUT", "/pkg/-rev/3-abd", 420L)] // another target
    [InlineData("PUT", "/pkg/-rev/3-abc", 421L)] // another body length
    [InlineData("PUT", "/pkg/-rev/3-abc", null)] // no declared length
    public async Task AnotherRequest_SameActionAndPackage_Refused(string method, string target, long? length)
    {
        var token = await IssueAsync();

        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, new(method, target, length))).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome); // still unused
    }

    [Fact]
    public async Task AnotherCredentialOfTheSameUser_Refused_EvenForTheApprovedRequest()
    {
        var token = await IssueAsync();

        var other = _caller with { CredentialId = "credential-b" };
        Assert.NotEqual(VerificationOutcome.Verified, (await _tokens.VerifyAsync(other, token, new ProtectedRequest(s_removal, s_approved), default)).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal, s_approved)).Outcome);
    }

    [Fact]
    public async Task OtherPackageOrAction_OrNoRequest_Refused()
    {
        var token = await IssueAsync();

        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal with { Package = "other" }, s_approved)).Outcome);
        Assert.NotEqual(VerificationOutcome.Verified, (await VerifyAsync(token, s_removal with { Action = "publish" }, s_approved)).Outcome);
        Assert.Equal(VerificationOutcome.Invalid, (await _tokens.VerifyAsync(_caller, token, null, default)).Outcome);
    }

    private ValueTask<string> IssueAsync() => _tokens.IssueAsync(
        new BrowserFlow("flow", FlowKind.Otp, _caller.Username, "unpublish", "pkg", false, true, _caller.CredentialId, s_approved), default);

    private ValueTask<VerificationResult> VerifyAsync(string token, RequestClassification classification, RequestTarget target) =>
        _tokens.VerifyAsync(_caller, token, new ProtectedRequest(classification, target), default);
}
