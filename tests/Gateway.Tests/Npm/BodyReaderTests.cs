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

    /// <summary>
    /// Issue 19, item 13: a stranger's body shape never makes the reader (or a stage after it) throw. Each body is read
    /// as the stages read it; whatever the reader accepts, every key and string of it can be read.
    /// </summary>
    public static readonly TheoryData<string, string> Unicode400 = new()
    {
        { "lone high surrogate in a key", """{"x\ud800":1,"name":"a"}""" },
        { "lone high surrogate, the only key", """{"\ud800":1}""" },
        { "lone low surrogate in a key", """{"_id":"a","\udc00x":1}""" },
        { "reversed pair in a key", """{"\udc00\ud800":1,"b":2}""" },
        { "two keys differing only in lone surrogates", """{"a":{"x\udc00":1,"x\udc01":2}}""" },
        { "lone surrogate in a nested key", """{"_id":"demo","versions":{"1.0.0":{"x\ud800":1,"name":"demo"}}}""" },
        { "lone surrogate in a key inside an array", """{"maintainers":[{"name":"a","\ud800":1}]}""" },
        { "lone surrogate in a value", """{"name":"a\ud800","password":"p"}""" },
        { "lone surrogate in a nested value", """{"tfa":{"mode":"disable","password":"\udfff"}}""" },
        { "lone surrogate in an array value", """{"packages":["ok","\ud800"]}""" },
        { "high surrogate followed by a non-surrogate escape", """{"a":"\ud800\u0041"}""" },
    };

    [Theory]
    [MemberData(nameof(Unicode400))]
    public async Task Read_LoneSurrogateAnywhere_IsUnreadable400_NeverThrows(string what, string json)
    {
        var body = await ReadAsync("application/json", Encoding.UTF8.GetBytes(json));

        Assert.True(body.State == RequestBodyState.Unreadable, what);
        Assert.Equal(StatusCodes.Status400BadRequest, body.ProblemStatus);
        Assert.Contains("not valid Unicode", body.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("overlong slash", new byte[] { 0xC0, 0xAF })]
    [InlineData("lone continuation byte", new byte[] { 0x80 })]
    [InlineData("0xFF", new byte[] { 0xFF })]
    [InlineData("truncated three-byte sequence", new byte[] { 0xE2, 0x82 })]
    [InlineData("UTF-8-encoded surrogate (CESU)", new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData("code point above U+10FFFF", new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public async Task Read_InvalidUtf8InAKeyOrValue_IsUnreadable400(string what, byte[] bad)
    {
        foreach (var (before, after) in new[] { ("{\"k", "\":1,\"b\":2}"), ("{\"name\":\"a", "\"}") })
        {
            var bytes = Encoding.UTF8.GetBytes(before).Concat(bad).Concat(Encoding.UTF8.GetBytes(after)).ToArray();

            var body = await ReadAsync("application/json", bytes);

            Assert.True(body.State == RequestBodyState.Unreadable, what);
            Assert.Equal(StatusCodes.Status400BadRequest, body.ProblemStatus);
        }
    }

    public static readonly TheoryData<string, string, RequestBodyState> OtherShapes = new()
    {
        { "surrogate pair escaped in a key and a value", """{"\ud83d\ude00":"\ud83d\ude00","b":2}""", RequestBodyState.Parsed },
        { "a real astral character", """{"😀":"😀","b":2}""", RequestBodyState.Parsed },
        { "escaped NUL in a key and a value", """{"a\u0000b":"\u0000","b":2}""", RequestBodyState.Parsed },
        { "raw NUL inside a string", "{\"a\":\"x\u0000y\"}", RequestBodyState.Unreadable },
        { "raw NUL outside a string", "{\"a\":1}\u0000", RequestBodyState.Unreadable },
        { "huge exponent", """{"expires":1e999999,"b":-1e999999}""", RequestBodyState.Parsed },
        { "400-digit integer", "{\"expires\":" + new string('9', 400) + "}", RequestBodyState.Parsed },
        { "nested 200 deep", "{\"a\":" + new string('[', 200) + new string(']', 200) + "}", RequestBodyState.Parsed },
        { "nested 300 deep", "{\"a\":" + new string('[', 300) + new string(']', 300) + "}", RequestBodyState.Unreadable },
        { "nested 60000 deep", new string('[', 60_000), RequestBodyState.Unreadable },
        { "top-level string", "\"x\"", RequestBodyState.Parsed },
        { "top-level null", "null", RequestBodyState.Parsed },
        { "empty", " ", RequestBodyState.Unreadable },
    };

    [Theory]
    [MemberData(nameof(OtherShapes))]
    public async Task Read_OddShapes_AreParsedOrRefused400_NeverThrow(string what, string json, RequestBodyState expected)
    {
        var body = await ReadAsync("application/json", Encoding.UTF8.GetBytes(json));

        Assert.True(body.State == expected, $"{what}: {body.State} {body.Problem}");
        if (expected == RequestBodyState.Unreadable)
        {
            Assert.Equal(StatusCodes.Status400BadRequest, body.ProblemStatus);
        }
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
