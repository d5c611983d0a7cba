using System.Text;
using System.Text.Json;
using Gateway.Browser;
using Gateway.Errors;
using Gateway.Npm;
using Gateway.Policy;
using Gateway.Resilience;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Errors;

public sealed class DependencyFailureHandlerTests
{
    private readonly CapturingLogger<DependencyFailureHandler> _log = new();

    [Fact]
    public async Task StoreUnavailable_ApiRequest_Is503JsonWithRetryAfter()
    {
        var context = NewContext();

        var handled = await HandleAsync(context, new DependencyUnavailableException("the 2FA store", new TimeoutException()));

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.Contains("the 2FA store", JsonDocument.Parse(Body(context)).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unavailable_PageEndpoint_Is503HtmlPageWithRetryAfter()
    {
        var context = NewContext();
        var page = new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(GatewayPage.Instance), "sign-in");
        context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Endpoint = page, Error = new Exception(), Path = "/-/gateway/sign-in" });

        await HandleAsync(context, new DependencyUnavailableException("the registry", new HttpRequestException()));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("text/html", context.Response.ContentType);
        Assert.Contains("cannot reach the registry", Body(context));
        Assert.Contains("<!doctype html>", Body(context));
    }

    [Fact]
    public async Task Unavailable_JsonEndpointUnderGatewayPrefix_IsJson()
    {
        var context = NewContext();
        var api = new Endpoint(_ => Task.CompletedTask, EndpointMetadataCollection.Empty, "done");
        context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Endpoint = api, Error = new Exception(), Path = "/-/gateway/done/x" });

        await HandleAsync(context, new DependencyUnavailableException("the 2FA store", null));

        Assert.Equal("application/json", context.Response.ContentType);
    }

    /// <summary>A store failure is logged as the store's, a registry failure as the registry's; never the raw path's token.</summary>
    [Theory]
    [InlineData("the 2FA store")]
    [InlineData("the registry")]
    public async Task Unavailable_LogsTheDependencyAndAMaskedPath(string dependency)
    {
        var context = NewContext();
        context.Request.Method = "DELETE";
        context.Features.Set(new GatewayRequestFeature
        {
            Classification = RequestClassification.UnknownWrite(null),
            Path = RequestPath.Parse("/-/user/token/npm_secret123"),
            RawTarget = "/-/user/token/npm_secret123",
        });

        await HandleAsync(context, new DependencyUnavailableException(dependency, new TimeoutException()));

        var entry = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.StartsWith($"Dependency unavailable: {dependency} (TimeoutException)", entry.Message);
        Assert.DoesNotContain("npm_secret123", entry.Message);
    }

    [Fact]
    public async Task OtherException_IsNotHandled()
    {
        var context = NewContext();

        var handled = await HandleAsync(context, new InvalidOperationException("bug"));

        Assert.False(handled);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Empty(_log.Entries);
    }

    private ValueTask<bool> HandleAsync(HttpContext context, Exception exception) =>
        new DependencyFailureHandler(Options.Create(new ResilienceOptions()), _log).TryHandleAsync(context, exception, CancellationToken.None);

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        context.Request.Method = "POST";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
