using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Automation;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Issue 10 on the read path, in process: a recorded token's limits hold for reads too (stage 1b), found by the
/// token alone (no whoami), and a refused read never reaches the registry. Tokens are recorded through the host's
/// own <see cref="TokenLedger"/> (the stub registry mints none); each test uses its own token. Also the one write a
/// package limit cannot be checked on (a batch publish naming no package), since it needs the same recorded tokens.
/// </summary>
public sealed class TokenReadLimitsHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task PackageLimitedToken_ReadsItsPackage_OtherPackagesInAnySpellingAre403AndNotForwarded()
    {
        var token = await RecordAsync("pia", packages: ["demo-pkg"]);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/demo-pkg", token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/-/whoami", token)).Status);
        foreach (var (target, package) in new[] { ("/other-pkg", "other-pkg"), ("/other-pkg/-/other-pkg-1.0.0.tgz", "other-pkg"), ("/%40evil%2Flib", "@evil/lib"), ("/@evil%2flib/1.0.0", "@evil/lib") })
        {
            var (status, error) = await GetAsync(target, token);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal($"This token cannot read {package}: it is limited to demo-pkg.", error);
        }

        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget.Contains("other-pkg", StringComparison.Ordinal) || r.RawTarget.Contains("evil", StringComparison.Ordinal));

        // Nobody asked the registry who the caller is, but for the whoami the client sent.
        Assert.Single(host.Registry.Requests, r => r.RawTarget == "/-/whoami" && r.Headers["Authorization"] == "Bearer " + token);
    }

    [Fact]
    public async Task ExpiredToken_Read_Is401NamingTheExpiry()
    {
        var token = await RecordAsync("eve", expires: DateTimeOffset.UtcNow.AddMinutes(-5));

        var (status, error) = await GetAsync("/demo-pkg", token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("This token expired on ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkLimitedToken_ReadFromElsewhere_Is403()
    {
        var token = await RecordAsync("nia", cidrs: ["10.0.0.0/8"]);

        var (status, error) = await GetAsync("/demo-pkg", token);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("10.0.0.0/8", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyAndUnrecordedTokens_Read()
    {
        var readOnly = await RecordAsync("rob", permission: TokenPermission.ReadOnly, packages: ["demo-pkg"]);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/demo-pkg", readOnly)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/demo-pkg", "never-recorded-" + Guid.NewGuid().ToString("N"))).Status);
    }

    [Fact]
    public async Task RecordedToken_RefusedOnEveryRequestWithinTheCacheLifetime()
    {
        var token = await RecordAsync("cai", packages: ["demo-pkg"]);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/other-pkg", token)).Status);
        }
    }

    [Theory]
    [InlineData("GET", "/other-pkg")]
    [InlineData("DELETE", "/-/npm/v1/tokens/token/abc")] // a token revoke (class auth): the same check, before whoami
    public async Task TwoAuthorizationHeaders_Are400(string method, string target)
    {
        // The registry (Node) would use the first; the gateway must not decide on another.
        var token = await RecordAsync("dua", packages: ["demo-pkg"]);
        var address = host.Client.BaseAddress!;
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        await using var stream = socket.GetStream();
        var request = $"{method} {target} HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {token}\r\nAuthorization: Bearer x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);

        Assert.StartsWith("HTTP/1.1 400", await reader.ReadLineAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget == target && r.Headers["Authorization"].Contains(token, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task LimitedTokenWithAWordAppended_Is400_NotForwarded(string method)
    {
        // A registry laxer than Verdaccio could read "Bearer <token> x" as <token>, where the gateway would look up
        // "<token> x", find no record and apply none of the read-only token's limits.
        var token = await RecordAsync("lax", permission: TokenPermission.ReadOnly, packages: ["demo-pkg"]);
        using var request = new HttpRequestMessage(new HttpMethod(method), "/other-pkg");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token + " x");
        if (method == "PUT")
        {
            request.Content = new StringContent("""{"_id":"other-pkg","name":"other-pkg","versions":{"1.0.0":{}},"_attachments":{"other-pkg-1.0.0.tgz":{"data":"AA=="}}}""",
                Encoding.UTF8, "application/json");
        }

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Authorization", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Registry.Requests, r => r.Headers["Authorization"].Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StolenBypassTokenLimitedToOnePackage_BatchPublishFromAnotherAddress_Is403_NotForwarded()
    {
        // pnpm's batch publish names no package: the gateway cannot check it against the token's packages, so a token
        // limited to demo-pkg (here a bypass-2FA one, which publishes demo-pkg without a code) may not send it at all.
        var token = await RecordAsync("batch", packages: ["demo-pkg"], bypass: true);
        using var stranger = LoopbackClients.From("127.0.0.2", host.Client.BaseAddress!);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/-/pnpr/v0/publish")
        {
            Content = new StringContent("""{"packages":[{"_id":"other-pkg","name":"other-pkg","versions":{"1.0.0":{}}}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);

        using var response = await stranger.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("publish each package on its own", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Registry.Requests, r => r.RawTarget.Contains("pnpr", StringComparison.Ordinal));
    }

    private async Task<string> RecordAsync(string user, string[]? packages = null, DateTimeOffset? expires = null, string[]? cidrs = null,
        TokenPermission permission = TokenPermission.ReadWrite, bool bypass = false)
    {
        // The stub registry's convention: <user>-token belongs to <user>.
        user += "-" + Guid.NewGuid().ToString("N")[..8];
        var token = user + "-token";
        var attributes = new TokenAttributes(user, "key-" + token, "test", DateTimeOffset.UtcNow, expires ?? DateTimeOffset.UtcNow.AddDays(1),
            packages ?? [], [], permission, cidrs ?? [], bypass);
        await host.Services.GetRequiredService<TokenLedger>().RecordAsync(attributes, token, default);
        return token;
    }

    private async Task<(HttpStatusCode Status, string? Error)> GetAsync(string target, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var error = response.StatusCode is HttpStatusCode.OK || body.Length == 0 || body[0] != '{'
            ? null
            : JsonDocument.Parse(body).RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        return (response.StatusCode, error);
    }
}
