namespace Gateway.Tests.Hosting;

/// <summary>Requests under <c>/-/gateway/</c> that no gateway endpoint takes are answered by the gateway, never forwarded.</summary>
public sealed class GatewayPrefixHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Theory]
    [InlineData("POST", "/-/gateway/sign-in", "Content-Type: text/plain")]      // a page's form in another content type
    [InlineData("PUT", "/-/gateway/no-such-page", "Content-Type: application/json")]
    [InlineData("DELETE", "/-/gateway/account/keys", "Content-Type: application/json")]
    public async Task UnmatchedRequestUnderThePrefix_WithAToken_Is404_AndNeverReachesTheRegistry(string method, string target, string contentType)
    {
        var before = host.Registry.Requests.Count;

        var answer = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, method, target,
            ["Authorization: Bearer xavier-token", contentType], "username=x&password=y"u8.ToArray());

        Assert.Equal(404, answer.Status);
        Assert.Contains("\"error\"", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Registry.Requests.Skip(before), r => r.RawTarget.StartsWith("/-/gateway", StringComparison.Ordinal));
    }
}
