using System.Net;
using Gateway.Audit;
using Gateway.Npm;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>The host with <c>Gateway:Enforcement</c> = <c>report-only</c>.</summary>
public sealed class ReportOnlyGatewayHost : GatewayHost
{
    protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string> { ["Gateway:Enforcement"] = "report-only" };
}

/// <summary>
/// Report-only rollout: a protected request without a code is forwarded and recorded as "would challenge"; a code
/// that is sent is still judged; a change of the profile or of 2FA itself is still challenged, in every spelling of
/// its path the policy matches (issue 19: <c>POST /-/NPM/v1/user</c> once changed a password with a token alone).
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ReportOnlyHostTests(ReportOnlyGatewayHost host) : IClassFixture<ReportOnlyGatewayHost>
{
    private const string PublishBody =
        """{"_id":"demo-pkg","name":"demo-pkg","dist-tags":{"latest":"1.0.1"},"versions":{"1.0.1":{"name":"demo-pkg","version":"1.0.1"}},"_attachments":{"demo-pkg-1.0.1.tgz":{"content_type":"application/octet-stream","data":"H4sI","length":3}}}""";

    [Fact]
    public async Task PublishWithoutCode_IsForwardedAndRecordedAsWouldChallenge()
    {
        await host.EnrolAsync("rita");
        var forwardedBefore = host.Registry.Requests.Count(r => r.Method == "PUT");

        using var publish = GatewayHost.As("rita", HttpMethod.Put, "/demo-pkg", PublishBody);
        using var response = await host.Client.SendAsync(publish);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(forwardedBefore + 1, host.Registry.Requests.Count(r => r.Method == "PUT"));
        var events = await OperationsScrape.AuditAsync(host.Client, "rita");
        var wouldChallenge = Assert.Single(events, e => e.Type == AuditEventTypes.WouldChallenge);
        Assert.Equal(("publish", "demo-pkg", "would-challenge"), (wouldChallenge.Action, wouldChallenge.Package, wouldChallenge.Outcome));
        Assert.DoesNotContain(events, e => e.Type == AuditEventTypes.ChallengeIssued);
        // The request counter is checked on a real gateway process (OperatorCommandsTests.ReportOnly_…): in this test
        // process, after several hosts, a scrape once came back with every metric gone following a garbage collection
        // (reproduced with a forced collection; not seen in a gateway process, which holds one host).
    }

    [Fact]
    public async Task PublishWithWrongCode_IsStillRefused()
    {
        var secret = await host.EnrolAsync("ron");
        var forwardedBefore = host.Registry.Requests.Count(r => r.Method == "PUT");

        using var publish = GatewayHost.As("ron", HttpMethod.Put, "/demo-pkg", PublishBody);
        publish.Headers.Add("npm-otp", TotpCodes.Compute(secret, DateTimeOffset.UtcNow.AddHours(-1)));
        using var response = await host.Client.SendAsync(publish);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(forwardedBefore, host.Registry.Requests.Count(r => r.Method == "PUT"));
        Assert.Contains(await OperationsScrape.AuditAsync(host.Client, "ron"), e => e.Type == AuditEventTypes.CodeRefused);
    }

    [Fact]
    public async Task DisableTwoFactorWithoutCode_IsStillChallenged()
    {
        await host.EnrolAsync("rosa");

        using var disable = GatewayHost.As("rosa", HttpMethod.Post, "/-/npm/v1/user", """{"tfa":{"mode":"disable","password":"rosa-password"}}""");
        using var response = await host.Client.SendAsync(disable);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("otp", response.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain(await OperationsScrape.AuditAsync(host.Client, "rosa"), e => e.Type == AuditEventTypes.TwoFactorDisabled);
    }

    /// <summary>Every spelling of the profile path that the route policy reads as <c>/-/npm/v1/user</c> (and Express routes, where it does).</summary>
    public static readonly TheoryData<string> ProfileSpellings = new(
        "/-/npm/v1/user",
        "/-/NPM/v1/user",
        "/-/npm/V1/USER",
        "/-/Npm/v1/User/",
        "/%2D/npm/v1/user",
        "/%2d/NPM/v1/user",
        "/-/npm/v1/%75ser",
        "/-/npm/v1/US%45R",
        "/-/npm%2Fv1/user",
        "//-/npm/v1/user",
        "/-//npm//v1//user//",
        "/-/npm/v1/user?write=true");

    public static TheoryData<string, string, string> ProfileChanges()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var spelling in ProfileSpellings)
        {
            foreach (var method in new[] { "POST", "PUT", "PATCH" })
            {
                data.Add(method, spelling, """{"password":{"old":"x","new":"taken-over"}}""");
            }

            data.Add("POST", spelling, """{"email":"mallory@example.com"}""");
            data.Add("POST", spelling, """{"tfa":{"mode":"disable","password":"x"}}""");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProfileChanges))]
    public async Task ProfileChange_AnySpelling_TokenAlone_IsChallenged_NotForwarded(string method, string target, string json)
    {
        var user = await EnrolledUserAsync();
        var (contentType, bytes) = RawExchange.Json(json);
        var passedBefore = await PassedWithoutCodeAsync(user);

        var answer = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, method, target, ["Authorization: Bearer " + user + "-token", contentType], bytes);

        Assert.True(answer.Status == 401, $"{method} {target}: {answer.Status} {answer.Body}");
        Assert.Equal("otp", answer.Header("WWW-Authenticate"));
        Assert.DoesNotContain(host.Registry.Requests, r => r.Method == method && r.RawTarget == target);
        Assert.Equal(passedBefore, await PassedWithoutCodeAsync(user));
    }

    [Theory]
    [InlineData("PUT", "/-/verdaccio/sec/reset_password")]
    [InlineData("PUT", "/-/VERDACCIO/Sec/Reset_Password")]
    [InlineData("PUT", "/%2D/verdaccio/sec/reset_password")]
    [InlineData("POST", "//-/verdaccio//sec/reset_password/")]
    public async Task RegistryPasswordChangeSideDoor_AnySpelling_TokenAlone_IsRefused_NotForwarded(string method, string target)
    {
        var user = await EnrolledUserAsync();
        var (contentType, bytes) = RawExchange.Json("""{"password":{"old":"x","new":"taken-over"}}""");

        var answer = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, method, target, ["Authorization: Bearer " + user + "-token", contentType], bytes);

        Assert.True(answer.Status == 401, $"{method} {target}: {answer.Status} {answer.Body}");
        Assert.Equal(ChallengeWriter.SideDoorMessage, answer.Error);
        Assert.DoesNotContain(host.Registry.Requests, r => r.Method == method && r.RawTarget == target);
    }

    private async Task<int> PassedWithoutCodeAsync(string user) =>
        (await OperationsScrape.AuditAsync(host.Client, user)).Count(e => e.Type is AuditEventTypes.WouldChallenge or AuditEventTypes.TwoFactorDisabled);

    private static readonly SemaphoreSlim EnrolmentLock = new(1);
    private static string? _enrolled;

    /// <summary>One user with 2FA for the spelling theories (enrolled once: each case is one request of an attacker holding the token).</summary>
    private async Task<string> EnrolledUserAsync()
    {
        await EnrolmentLock.WaitAsync();
        try
        {
            if (_enrolled is null)
            {
                await host.EnrolAsync("speller");
                _enrolled = "speller";
            }

            return _enrolled;
        }
        finally
        {
            EnrolmentLock.Release();
        }
    }
}
