using System.Net;
using Gateway.Audit;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The audit trail and the metrics of the whole host: each decision recorded once, with its fields and no secret,
/// in the log and in the store; the Prometheus scrape moves with challenges, accepted codes and lock-outs.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class OperationsHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string PublishBody =
        """{"_id":"demo-pkg","name":"demo-pkg","dist-tags":{"latest":"1.0.1"},"versions":{"1.0.1":{"name":"demo-pkg","version":"1.0.1"}},"_attachments":{"demo-pkg-1.0.1.tgz":{"content_type":"application/octet-stream","data":"H4sI","length":3}}}""";

    [Fact]
    public async Task Publish_ChallengeWrongCodeRightCode_EachDecisionAuditedOnceWithItsFieldsAndNoSecret()
    {
        var secret = await host.EnrolAsync("audra");
        var wrongCode = TotpCodes.Compute(secret, DateTimeOffset.UtcNow.AddHours(-1));
        var rightCode = TotpCodes.Compute(secret, DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.Unauthorized, await PublishAsync("audra", otp: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PublishAsync("audra", wrongCode));
        Assert.Equal(HttpStatusCode.Created, await PublishAsync("audra", rightCode));

        var events = await OperationsScrape.AuditAsync(host.Client, "audra");
        Assert.Equal(
            [AuditEventTypes.EnrolmentStarted, AuditEventTypes.TwoFactorEnabled, AuditEventTypes.ChallengeIssued, AuditEventTypes.CodeRefused, AuditEventTypes.RequestAllowed],
            events.Select(e => e.Type));
        var challenge = events[2];
        Assert.Equal(("audra", "publish", "demo-pkg", "otp", "127.0.0.1"), (challenge.User, challenge.Action, challenge.Package, challenge.Outcome, challenge.Client));
        Assert.Matches("^[0-9a-f]{16}$", challenge.Credential);
        Assert.Equal("invalid", events[3].Outcome);
        Assert.Equal("totp", events[4].Outcome);
        // One credential made all three requests: one fingerprint.
        Assert.Single(events.Skip(2).Select(e => e.Credential).Distinct());
        Assert.InRange(events[4].Time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        // The log has the same events, once each.
        var logged = host.Logs.Entries.Where(e => e.EventId == 1300 && e.Fields.GetValueOrDefault("User") == "audra").Select(e => e.Fields["AuditType"]).ToList();
        Assert.Equal(events.Select(e => e.Type), logged);

        // No secret anywhere: not in the store's trail, not in the log.
        var stored = string.Join("\n", await RespProbe.SendAsync(host.Redis.Port, ["LRANGE", "gw:audit", "0", "-1"], ["LRANGE", "gw:user:{audra}:audit", "0", "-1"]));
        var logText = string.Join("\n", host.Logs.Entries.Select(e => e.Message + " " + string.Join(" ", e.Fields.Values)));
        foreach (var secretText in new[] { "audra-token", "audra-password", wrongCode, rightCode, Base32(secret) })
        {
            Assert.DoesNotContain(secretText, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(secretText, logText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_MoveAfterAChallengeAnAcceptedCodeAndALockout()
    {
        var secret = await host.EnrolAsync("mona");
        var before = await OperationsScrape.MetricsAsync(host.Client);

        Assert.Equal(HttpStatusCode.Unauthorized, await PublishAsync("mona", otp: null));
        var afterChallenge = await OperationsScrape.MetricsAsync(host.Client);
        Assert.Equal(1, Delta(before, afterChallenge, "gateway_challenges_total", "kind=\"otp\""));
        Assert.Equal(1, Delta(before, afterChallenge, "gateway_requests_total", "class=\"writes\"", "decision=\"challenged\""));

        Assert.Equal(HttpStatusCode.Created, await PublishAsync("mona", TotpCodes.Compute(secret, DateTimeOffset.UtcNow)));
        var afterCode = await OperationsScrape.MetricsAsync(host.Client);
        Assert.Equal(1, Delta(afterChallenge, afterCode, "gateway_verifications_total", "outcome=\"verified\"", "factor=\"totp\""));
        Assert.Equal(1, Delta(afterChallenge, afterCode, "gateway_requests_total", "decision=\"allowed\""));
        Assert.Equal(0, Delta(afterChallenge, afterCode, "gateway_lockouts_total"));

        // The fifth consecutive failure starts the lock-out (Gateway:Regulation:FreeFailures, 5); the sixth is refused unjudged.
        var wrong = TotpCodes.Compute(secret, DateTimeOffset.UtcNow.AddHours(-1));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await PublishAsync("mona", wrong));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await PublishAsync("mona", wrong));
        var afterLockout = await OperationsScrape.MetricsAsync(host.Client);
        Assert.Equal(1, Delta(afterCode, afterLockout, "gateway_lockouts_total", "scope=\"otp\""));
        Assert.Equal(5, Delta(afterCode, afterLockout, "gateway_verifications_total", "outcome=\"invalid\""));
        Assert.Equal(1, Delta(afterCode, afterLockout, "gateway_verifications_total", "outcome=\"locked\""));
        Assert.Equal(1, Delta(afterCode, afterLockout, "gateway_requests_total", "decision=\"locked\""));
        Assert.True(Delta(before, afterLockout, "gateway_dependency_duration_seconds_count", "dependency=\"store\"", "outcome=\"ok\"") > 0);
        Assert.Equal(0, afterLockout.Sum("gateway_breaker_state", "dependency=\"store\""));
        Assert.Contains("gateway_breaker_state{", afterLockout.Text, StringComparison.Ordinal);

        var lockouts = (await OperationsScrape.AuditAsync(host.Client, "mona")).Where(e => e.Type == AuditEventTypes.LockoutStarted).ToList();
        Assert.Equal("otp:30s", Assert.Single(lockouts).Outcome);
    }

    [Fact]
    public async Task Read_IsNotCountedAsAProtectedRequest()
    {
        var before = await OperationsScrape.MetricsAsync(host.Client);
        using var read = await host.Client.GetAsync("/demo-pkg");
        var after = await OperationsScrape.MetricsAsync(host.Client);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(0, Delta(before, after, "gateway_requests_total"));
    }

    private static double Delta(OperationsScrape.Metrics before, OperationsScrape.Metrics after, string metric, params string[] labels) =>
        after.Sum(metric, labels) - before.Sum(metric, labels);

    private async Task<HttpStatusCode> PublishAsync(string user, string? otp)
    {
        using var publish = GatewayHost.As(user, HttpMethod.Put, "/demo-pkg", PublishBody);
        if (otp is not null)
        {
            publish.Headers.Add("npm-otp", otp);
        }

        using var response = await host.Client.SendAsync(publish);
        return response.StatusCode;
    }

    private static string Base32(byte[] key) => OtpNet.Base32Encoding.ToString(key).TrimEnd('=');
}
