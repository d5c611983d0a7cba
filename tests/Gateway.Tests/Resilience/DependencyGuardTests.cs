using System.Net;
using Gateway.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Resilience;

/// <summary>The breaker counts only the dependency's own failures: a request's own 4xx never opens it.</summary>
public sealed class DependencyGuardTests
{
    private readonly DependencyGuard _guard = new("the registry", TimeSpan.FromSeconds(5), new FakeTimeProvider(DateTimeOffset.UtcNow));

    [Theory]
    [InlineData(431)]
    [InlineData(429)]
    [InlineData(414)]
    [InlineData(400)]
    public async Task RequestsOwn4xx_ManyTimes_DoNotOpenTheBreaker_AndReachTheCallerAsRefusals(int status)
    {
        for (var i = 0; i < 20; i++)
        {
            var refused = await Assert.ThrowsAsync<UpstreamRefusedException>(() =>
                _guard.ExecuteAsync<string>(_ => throw new UpstreamRefusedException(status, null, "whoami"), default).AsTask());
            Assert.Equal(status, refused.Status);
        }

        Assert.Equal("alice", await _guard.ExecuteAsync(_ => ValueTask.FromResult("alice"), default));
    }

    [Fact]
    public async Task A4xxReportedAsHttpRequestException_IsARefusalToo_NotAFailure()
    {
        for (var i = 0; i < 20; i++)
        {
            var refused = await Assert.ThrowsAsync<UpstreamRefusedException>(() =>
                _guard.ExecuteAsync<string>(_ => throw new HttpRequestException("431", null, (HttpStatusCode)431), default).AsTask());
            Assert.Equal(431, refused.Status);
        }

        Assert.Equal("alice", await _guard.ExecuteAsync(_ => ValueTask.FromResult("alice"), default));
    }

    [Fact]
    public async Task RegistryFailures_5xxAndRefusedConnections_OpenTheBreaker()
    {
        await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            _guard.ExecuteAsync<string>(_ => throw new HttpRequestException("500", null, HttpStatusCode.InternalServerError), default).AsTask());
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
                _guard.ExecuteAsync<string>(_ => throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111)), default).AsTask());
        }

        // Open: even a call that would succeed is refused without being made.
        var called = false;
        var open = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            _guard.ExecuteAsync(_ => { called = true; return ValueTask.FromResult("alice"); }, default).AsTask());
        Assert.False(called);
        Assert.IsType<Polly.CircuitBreaker.BrokenCircuitException>(open.InnerException);
    }
}
