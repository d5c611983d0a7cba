using System.Net;
using Gateway.Configuration;
using Gateway.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Operations;

public sealed class OperationsAccessTests
{
    private const string Secret = "an-operations-secret-of-32-chars-at-least";

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.0.0.7", false)]
    [InlineData("192.168.1.20", false)]
    public void Allows_NoSecret_OnlyLoopback(string address, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);

        Assert.Equal(allowed, Access("").Allows(context));
    }

    [Theory]
    [InlineData(null, "127.0.0.1", false)]
    [InlineData("Bearer " + Secret, "10.0.0.7", true)]
    [InlineData("Bearer " + Secret + "x", "127.0.0.1", false)]
    [InlineData("bearer " + Secret, "10.0.0.7", false)]
    [InlineData("Basic " + Secret, "10.0.0.7", false)]
    [InlineData("Bearer ", "10.0.0.7", false)]
    public void Allows_Secret_OnlyItsBearerWhereverFrom(string? authorization, string address, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        Assert.Equal(allowed, Access(Secret).Allows(context));
    }

    [Fact]
    public void Allows_TwoAuthorizationHeaders_Refused()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues(["Bearer " + Secret, "Bearer other"]);

        Assert.False(Access(Secret).Allows(context));
    }

    private static OperationsAccess Access(string secret) => new(Options.Create(new OperationsOptions { AccessSecret = secret }));
}
