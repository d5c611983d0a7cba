using System.Net;
using System.Net.Http.Headers;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Proxy;
using Gateway.Resilience;

namespace Gateway.Tests.Identity;

/// <summary>How whoami reads the registry's answer: a name, nobody (401/403), a refusal of the request itself (other 4xx), or a failure (5xx).</summary>
public sealed class WhoamiClientTests
{
    [Fact]
    public async Task Ok_IsTheUsername() =>
        Assert.Equal("alice", await WhoamiAsync(Answer(HttpStatusCode.OK, """{"username":"alice"}""")));

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task RefusedCredential_IsNobody(HttpStatusCode status) =>
        Assert.Null(await WhoamiAsync(Answer(status, """{"error":"bad username/password"}""")));

    [Theory]
    [InlineData(431)]
    [InlineData(414)]
    [InlineData(400)]
    [InlineData(404)]
    public async Task RegistryRefusingTheRequestItself_IsARefusal_NotAFailure(int status)
    {
        var refused = await Assert.ThrowsAsync<UpstreamRefusedException>(() => WhoamiAsync(Answer((HttpStatusCode)status, "")).AsTask());

        Assert.Equal(status, refused.Status);
        Assert.Equal("whoami", refused.Call);
    }

    [Fact]
    public async Task RateLimited_KeepsTheRegistrysRetryAfter()
    {
        var answer = Answer(HttpStatusCode.TooManyRequests, "");
        answer.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(42));

        var refused = await Assert.ThrowsAsync<UpstreamRefusedException>(() => WhoamiAsync(answer).AsTask());

        Assert.Equal(429, refused.Status);
        Assert.Equal(TimeSpan.FromSeconds(42), refused.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task RegistryFailure_IsAnHttpFailure(HttpStatusCode status)
    {
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => WhoamiAsync(Answer(status, "")).AsTask());

        Assert.Equal(status, failure.StatusCode);
    }

    [Theory]
    [InlineData("http://registry.invalid", "http://registry.invalid/-/whoami")]
    [InlineData("http://registry.invalid/repository/npm-hosted/", "http://registry.invalid/repository/npm-hosted/-/whoami")]
    [InlineData("http://registry.invalid/artifactory/api/npm/npm-local", "http://registry.invalid/artifactory/api/npm/npm-local/-/whoami")]
    public async Task Whoami_GoesUnderTheUpstreamsPath(string upstream, string expected)
    {
        var clients = new OneAnswerClients(Answer(HttpStatusCode.OK, """{"username":"alice"}"""));

        await new WhoamiClient(clients, Registry(upstream)).WhoamiAsync("Bearer t", null, default);

        Assert.Equal(expected, clients.Sent?.AbsoluteUri);
    }

    private static RegistryUris Registry(string upstream) =>
        new(new GatewayOptions { Upstream = upstream, PublicUrl = "http://gateway.invalid" });

    private static HttpResponseMessage Answer(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body) };

    private static ValueTask<string?> WhoamiAsync(HttpResponseMessage answer) =>
        new WhoamiClient(new OneAnswerClients(answer), Registry("http://registry.invalid")).WhoamiAsync("Bearer t", IPAddress.Loopback, default);

    private sealed class OneAnswerClients(HttpResponseMessage answer) : IHttpClientFactory
    {
        public HttpResponseMessage Answer => answer;

        /// <summary>The URI of the last request sent.</summary>
        public Uri? Sent { get; private set; }

        public HttpClient CreateClient(string name) => new(new Handler(this));

        private sealed class Handler(OneAnswerClients clients) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                clients.Sent = request.RequestUri;
                return Task.FromResult(clients.Answer);
            }
        }
    }
}
