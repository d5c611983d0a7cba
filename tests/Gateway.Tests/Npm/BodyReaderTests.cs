using System.Text;
using Gateway.Npm;
using Gateway.Policy;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Npm;

/// <summary>
/// The gateway decides only on a body it reads exactly as the registry will: every spelling that lets
/// Express's body-parser read the bytes differently (charset, Content-Encoding, BOM, duplicate keys) is
/// refused, never read as UTF-8.
/// </summary>
public sealed class BodyReaderTests
{
    private const string Star = """{"_id":"victim","_rev":"1-a","users":{"alice":true}}""";

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("APPLICATION/JSON; CHARSET=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    public async Task Read_Utf8Json_IsParsed(string contentType)
    {
        var body = await ReadAsync(contentType, Encoding.UTF8.GetBytes(Star));

        Assert.Equal(RequestBodyState.Parsed, body.State);
        Assert.True(body.Json.TryGetProperty("users", out _));
    }

    [Theory]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=utf-16le")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-8; charset=utf-7")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/vnd.npm+json")]
    [InlineData("")]
    public async Task Read_AnyOtherEncodingOrMediaType_IsUnreadable415(string contentType)
    {
        var body = await ReadAsync(contentType, Encoding.UTF8.GetBytes(Star));

        Assert.Equal(RequestBodyState.Unreadable, body.State);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, body.ProblemStatus);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("identity, gzip")]
    [InlineData("GZIP")]
    public async Task Read_ContentEncoding_IsUnreadable415(string encoding)
    {
        var body = await ReadAsync("application/json", Encoding.UTF8.GetBytes(Star), request => request.Headers.ContentEncoding = encoding);

        Assert.Equal(RequestBodyState.Unreadable, body.State);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, body.ProblemStatus);
    }

    [Fact]
    public async Task Read_TwoContentTypeHeaders_IsUnreadable()
    {
        var body = await ReadAsync("application/json", Encoding.UTF8.GetBytes(Star),
            request => request.Headers.ContentType = new Microsoft.Extensions.Primitives.StringValues(["application/json", "application/json; charset=utf-7"]));

        Assert.Equal(RequestBodyState.Unreadable, body.State);
    }

    [Theory]
    [InlineData("\uFEFF" + Star)]
    [InlineData("""{"_id":"victim","users":{},"users":{"x":1}}""")]
    [InlineData("""{"_id":"victim",""")]
    public async Task Read_BomDuplicateKeysOrBrokenJson_IsUnreadable400(string text)
    {
        var body = await ReadAsync("application/json", Encoding.UTF8.GetBytes(text));

        Assert.Equal(RequestBodyState.Unreadable, body.State);
        Assert.Equal(StatusCodes.Status400BadRequest, body.ProblemStatus);
    }

    [Fact]
    public async Task Read_LargerThanTheLimitOrChunked_IsUnavailableAndTheBodyIsUntouched()
    {
        var bytes = Encoding.UTF8.GetBytes(Star);
        var large = await ReadAsync("application/json", bytes, maxBytes: bytes.Length - 1);
        var chunked = await ReadAsync("application/json", bytes, request =>
        {
            request.ContentLength = null;
            request.Headers.TransferEncoding = "chunked";
        });

        Assert.Equal(RequestBodyState.Unavailable, large.State);
        Assert.Equal(RequestBodyState.Unavailable, chunked.State);
    }

    [Fact]
    public async Task Read_Parsed_RewindsSoTheProxyForwardsEveryByte()
    {
        var context = Request("application/json", Encoding.UTF8.GetBytes(Star));

        await BodyReader.ReadSmallJsonAsync(context.Request, 65536, CancellationToken.None);

        using var reader = new StreamReader(context.Request.Body);
        Assert.Equal(Star, await reader.ReadToEndAsync());
    }

    private static Task<RequestBody> ReadAsync(string contentType, byte[] bytes, Action<HttpRequest>? change = null, int maxBytes = 65536)
    {
        var context = Request(contentType, bytes);
        change?.Invoke(context.Request);
        return BodyReader.ReadSmallJsonAsync(context.Request, maxBytes, CancellationToken.None);
    }

    private static DefaultHttpContext Request(string contentType, byte[] bytes)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "PUT";
        if (contentType.Length > 0)
        {
            context.Request.ContentType = contentType;
        }

        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context;
    }
}
