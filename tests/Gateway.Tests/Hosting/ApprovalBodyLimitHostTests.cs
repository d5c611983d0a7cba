using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Gateway.Tests.Hosting;

/// <summary>The host with a small <c>Gateway:MaxPublishBytes</c> (100 KB).</summary>
public sealed class SmallPublishGatewayHost : GatewayHost
{
    protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string> { ["Gateway:MaxPublishBytes"] = "100000" };
}

/// <summary>
/// A body read for a web approval keeps to <c>Gateway:MaxPublishBytes</c> even when it declares no length
/// (chunked): the gateway stops reading at the limit and answers 413 with npm's JSON error; nothing is forwarded.
/// </summary>
public sealed class ApprovalBodyLimitHostTests(SmallPublishGatewayHost host) : IClassFixture<SmallPublishGatewayHost>
{
    [Theory]
    [InlineData(true)] // opening an approval: npm-auth-type web, no code
    [InlineData(false)] // presenting one: npm-otp gwotp_…
    public async Task ChunkedBodyOverTheLimit_413_NotForwarded(bool opening)
    {
        var user = opening ? "uma" : "una";
        await host.EnrolAsync(user);
        var before = host.Registry.Requests.Count(r => r.Method == "PUT");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/demo-pkg") { Content = new StreamContent(new MemoryStream(new byte[150_000])) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user + "-token");
        request.Headers.Add("npm-auth-type", "web");
        if (!opening)
        {
            request.Headers.Add("npm-otp", "gwotp_" + new string('b', 43));
        }

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Gateway:MaxPublishBytes", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, host.Registry.Requests.Count(r => r.Method == "PUT"));
    }
}
