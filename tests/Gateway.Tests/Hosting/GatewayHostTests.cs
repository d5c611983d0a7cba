using System.Net;
using System.Text.Json;

namespace Gateway.Tests.Hosting;

/// <summary>The whole host, in process: the npm front end (challenge, profile, request-target rule) and the pages.</summary>
public sealed class GatewayHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string PublishBody =
        """{"_id":"demo-pkg","name":"demo-pkg","dist-tags":{"latest":"1.0.1"},"versions":{"1.0.1":{"name":"demo-pkg","version":"1.0.1"}},"_attachments":{"demo-pkg-1.0.1.tgz":{"content_type":"application/octet-stream","data":"H4sI","length":3}}}""";

    [Fact]
    public async Task ProtectedWrite_TwoFactorUserWithoutCode_GetsOtpChallengeAndIsNotForwarded()
    {
        await host.EnrolAsync("alice");

        using var response = await host.Client.SendAsync(GatewayHost.As("alice", HttpMethod.Put, "/demo-pkg", PublishBody));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("otp", Assert.Single(response.Headers.WwwAuthenticate).Scheme, ignoreCase: true);
        Assert.Contains("one-time pass", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Registry.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task ProfileGet_ShowsTfaFromTheGatewayAndTheRestFromTheRegistry()
    {
        Assert.False((await ProfileAsync("bob")).GetProperty("tfa").GetBoolean());

        await host.EnrolAsync("bob");

        var profile = await ProfileAsync("bob");
        Assert.Equal("bob", profile.GetProperty("name").GetString());
        Assert.Equal("auth-and-writes", profile.GetProperty("tfa").GetProperty("mode").GetString());
        Assert.False(profile.GetProperty("tfa").GetProperty("pending").GetBoolean());
    }

    [Theory]
    [InlineData("PUT", "/demo-pkg\\x")]
    [InlineData("GET", "/@acme\\widget")]
    [InlineData("PUT", "/-/user/org.couchdb.user:alice\\..\\x")]
    public async Task RequestTarget_WithBackslash_Is400(string method, string target)
    {
        Assert.Equal(400, await host.SendRawAsync(method, target));
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget.Contains('\\', StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignInPage_Renders()
    {
        using var response = await host.Client.GetAsync("/-/gateway/sign-in");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\" action=\"/-/gateway/sign-in\" id=\"sign-in\">", html, StringComparison.Ordinal);
    }

    private async Task<JsonElement> ProfileAsync(string user)
    {
        using var response = await host.Client.SendAsync(GatewayHost.As(user, HttpMethod.Get, "/-/npm/v1/user"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
