using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>
/// A stranger's oversized requests cannot open the registry breaker for everyone (docs/SECURITY.md,
/// "Availability"). Here the gateway's header limit is Kestrel's old 32 KB and its credential cap the largest allowed,
/// so the stranger's 16 KB header (a credential just under that cap, plus filler)
/// reaches the registry, which refuses it with 431 as Node does: the gateway must pass that on and not count it.
/// </summary>
public sealed class RegistryBreakerHostTests(RegistryBreakerHostTests.LaxHeaderLimitsHost host) : IClassFixture<RegistryBreakerHostTests.LaxHeaderLimitsHost>
{
    internal const string PublishBody =
        """{"_id":"demo-pkg","name":"demo-pkg","dist-tags":{"latest":"1.0.1"},"versions":{"1.0.1":{"name":"demo-pkg","version":"1.0.1"}},"_attachments":{"demo-pkg-1.0.1.tgz":{"content_type":"application/octet-stream","data":"H4sI","length":3}}}""";

    public sealed class LaxHeaderLimitsHost : GatewayHost
    {
        protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string>
        {
            ["Gateway:Limits:MaxRequestHeadersTotalSize"] = "32768",
            ["Gateway:Memory:MaxCredentialLength"] = "16384", // the gateway's own credential cap (4 KB) would refuse it first
        };
    }

    [Fact]
    public async Task StrangersOversizedCredentials_RefusedByTheRegistry_DoNotOpenTheBreaker_OwnerStillPublishesWithACode()
    {
        var secret = await host.EnrolAsync("olive");
        using var stranger = LoopbackClients.From("127.0.0.2", host.Client.BaseAddress!);
        var refusedBefore = host.Registry.RefusedForHeaderSize;

        // Twice the breaker's minimum throughput, within its sampling window: before this fix, enough to open it.
        for (var i = 0; i < 10; i++)
        {
            using var attempt = Publish(Basic("stranger", new string('p', 12 * 1024 - 100)));
            attempt.Headers.Add("X-Filler", new string('f', 4 * 1024));
            using var refused = await stranger.SendAsync(attempt);

            Assert.Equal((HttpStatusCode)431, refused.StatusCode);
            Assert.Contains("headers are too large", Error(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        Assert.Equal(refusedBefore + 10, host.Registry.RefusedForHeaderSize); // the registry did refuse each one

        // A credential the gateway has not cached (whoami must be asked), with a valid code, from the owner's address.
        using var publish = Publish(Basic("olive", "olive-password"));
        publish.Headers.Add("npm-otp", TotpCodes.Compute(secret, DateTimeOffset.UtcNow));
        using var response = await host.Client.SendAsync(publish);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task WhoamiRateLimitedByTheRegistry_Is429WithItsRetryAfter_NotA503()
    {
        for (var i = 0; i < 6; i++)
        {
            using var request = Publish(new AuthenticationHeaderValue("Bearer", "throttled-token"));
            using var response = await host.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
            Assert.Contains("limiting requests", Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        // Not counted as registry failures: an uncached credential is still resolved.
        using var profile = new HttpRequestMessage(HttpMethod.Get, "/-/npm/v1/user") { Headers = { Authorization = Basic("piet", "piet-password") } };
        using var answer = await host.Client.SendAsync(profile);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var put = Publish(Basic("quinn", "quinn-password"));
        using var forwarded = await host.Client.SendAsync(put);
        Assert.Equal(HttpStatusCode.Created, forwarded.StatusCode); // quinn has no 2FA: resolved by whoami, forwarded
    }

    internal static HttpRequestMessage Publish(AuthenticationHeaderValue authorization) =>
        new(HttpMethod.Put, "/demo-pkg")
        {
            Headers = { Authorization = authorization },
            Content = new StringContent(PublishBody, Encoding.UTF8, "application/json"),
        };

    internal static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    internal static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
}
