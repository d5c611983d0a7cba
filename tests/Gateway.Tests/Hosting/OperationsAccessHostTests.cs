using System.Net;
using System.Net.Http.Headers;

namespace Gateway.Tests.Hosting;

/// <summary>The host with a bearer secret for the operator endpoints.</summary>
public sealed class SecretOperationsGatewayHost : GatewayHost
{
    public const string Secret = "0123456789abcdef0123456789abcdef-operations";

    protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string> { ["Gateway:Operations:AccessSecret"] = Secret };
}

/// <summary>With <c>Gateway:Operations:AccessSecret</c> set, the metrics and the audit trail answer only the bearer of the secret (loopback or not).</summary>
public sealed class OperationsAccessHostTests(SecretOperationsGatewayHost host) : IClassFixture<SecretOperationsGatewayHost>
{
    [Theory]
    [InlineData("/-/gateway/metrics", null, HttpStatusCode.NotFound)]
    [InlineData("/-/gateway/metrics", "wrong-secret", HttpStatusCode.NotFound)]
    [InlineData("/-/gateway/metrics", SecretOperationsGatewayHost.Secret, HttpStatusCode.OK)]
    [InlineData("/-/gateway/audit", null, HttpStatusCode.NotFound)]
    [InlineData("/-/gateway/audit", SecretOperationsGatewayHost.Secret + "x", HttpStatusCode.NotFound)]
    [InlineData("/-/gateway/audit", SecretOperationsGatewayHost.Secret, HttpStatusCode.OK)]
    public async Task OperatorEndpoint_AnswersOnlyTheSecret(string path, string? bearer, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }
}
