using System.Net;
using Gateway.Audit;

namespace Gateway.Tests.Hosting;

/// <summary>The host enforcing, with config/package-rules.json putting one scope (@rollout) in report-only.</summary>
public sealed class ScopeReportOnlyGatewayHost : GatewayHost
{
    private static readonly string RulesFile = WriteRules();

    protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string> { ["Gateway:PackageRulesFile"] = RulesFile };

    private static string WriteRules()
    {
        var file = Path.Combine(Path.GetTempPath(), "package-rules-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """
            {"scopes":[{"scope":"@rollout","require":"auth-and-writes","enforcement":"report-only"},{"scope":"@strict","require":"auth-and-writes"}]}
            """);
        return file;
    }
}

/// <summary>
/// A scope's rollout: writes into a report-only scope that lack the second factor it requires are forwarded and
/// recorded as "would challenge"; the same writes into an enforced scope are refused.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ScopeReportOnlyHostTests(ScopeReportOnlyGatewayHost host) : IClassFixture<ScopeReportOnlyGatewayHost>
{
    [Fact]
    public async Task UserWithout2fa_PublishIntoReportOnlyScope_IsForwardedAndRecorded()
    {
        var forwardedBefore = host.Registry.Requests.Count(r => r.RawTarget.StartsWith("/@rollout", StringComparison.Ordinal));

        using var response = await host.Client.SendAsync(Publish("sam", "@rollout/lib"));

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(forwardedBefore + 1, host.Registry.Requests.Count(r => r.RawTarget.StartsWith("/@rollout", StringComparison.Ordinal)));
        var wouldChallenge = Assert.Single(await OperationsScrape.AuditAsync(host.Client, "sam"), e => e.Type == AuditEventTypes.WouldChallenge);
        Assert.Equal("@rollout/lib", wouldChallenge.Package);
    }

    [Fact]
    public async Task UserWithout2fa_PublishIntoEnforcedScope_IsRefused()
    {
        using var response = await host.Client.SendAsync(Publish("tess", "@strict/lib"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("npm profile enable-2fa auth-and-writes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget.StartsWith("/@strict", StringComparison.Ordinal));
    }

    private static HttpRequestMessage Publish(string user, string package) =>
        GatewayHost.As(user, HttpMethod.Put, "/" + package.Replace("/", "%2f", StringComparison.Ordinal),
            "{\"_id\":\"" + package + "\",\"name\":\"" + package + "\",\"versions\":{\"1.0.0\":{\"name\":\"" + package
            + "\",\"version\":\"1.0.0\"}},\"_attachments\":{\"x.tgz\":{\"data\":\"H4sI\",\"length\":3}}}");
}
