using System.Net;
using Gateway.Audit;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>The host with <c>Gateway:Enforcement</c> = <c>report-only</c>.</summary>
public sealed class ReportOnlyGatewayHost : GatewayHost
{
    protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string> { ["Gateway:Enforcement"] = "report-only" };
}

/// <summary>
/// Report-only rollout: a protected request without a code is forwarded and recorded as "would challenge"; a code
/// that is sent is still judged; a change of 2FA itself is still challenged.
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
        var before = await OperationsScrape.MetricsAsync(host.Client);
        var forwardedBefore = host.Registry.Requests.Count(r => r.Method == "PUT");

        using var publish = GatewayHost.As("rita", HttpMethod.Put, "/demo-pkg", PublishBody);
        using var response = await host.Client.SendAsync(publish);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(forwardedBefore + 1, host.Registry.Requests.Count(r => r.Method == "PUT"));
        var events = await OperationsScrape.AuditAsync(host.Client, "rita");
        var wouldChallenge = Assert.Single(events, e => e.Type == AuditEventTypes.WouldChallenge);
        Assert.Equal(("publish", "demo-pkg", "would-challenge"), (wouldChallenge.Action, wouldChallenge.Package, wouldChallenge.Outcome));
        Assert.DoesNotContain(events, e => e.Type == AuditEventTypes.ChallengeIssued);
        var after = await OperationsScrape.MetricsAsync(host.Client);
        Assert.Equal(1, after.Sum("gateway_requests_total", "decision=\"would-challenge\"") - before.Sum("gateway_requests_total", "decision=\"would-challenge\""));
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
}
