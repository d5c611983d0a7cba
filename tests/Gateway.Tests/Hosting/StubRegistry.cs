using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Hosting;

/// <summary>
/// A stand-in for the registry, for host tests that are not about the registry: a tiny Kestrel app on
/// 127.0.0.1 and a free port. Credentials follow one rule: <c>Bearer &lt;user&gt;-token</c> and
/// <c>Basic &lt;user&gt;:&lt;user&gt;-password</c> belong to <c>&lt;user&gt;</c>; anything else is refused.
/// Approving a staged publish of <c>stage-ok</c> is accepted, of <c>stage-down</c> answered 503, of <c>stage-taken</c> 409;
/// <c>stage-team</c> is a package whose packument lists <c>mia</c> as its maintainer, with no version yet.
/// It records every request it receives (method, raw target, headers, the body's SHA-256). Started with a prefix, it
/// answers only under that path, as a Nexus repository does (anything else: 404).
/// </summary>
internal sealed class StubRegistry : IAsyncDisposable
{
    /// <summary>The packument <c>GET /demo-pkg</c> answers, byte for byte.</summary>
    public static readonly byte[] Packument = Encoding.UTF8.GetBytes(
        """{"_id":"demo-pkg","name":"demo-pkg","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":"demo-pkg","version":"1.0.0"}}}""");

    private readonly WebApplication _app;

    private StubRegistry(WebApplication app, string url, string prefix)
    {
        _app = app;
        Url = url;
        Prefix = prefix;
    }

    /// <summary>The stub's origin, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    /// <summary>The path it answers under (no trailing slash), empty at the root.</summary>
    public string Prefix { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<StubRegistry> StartAsync(string prefix = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        StubRegistry? stub = null;
        app.Run(context => stub!.AnswerAsync(context));
        await app.StartAsync();
        stub = new StubRegistry(app, app.Urls.First(), prefix);
        return stub;
    }

    /// <summary>Node's default <c>--max-http-header-size</c>: the request line and headers together.</summary>
    public const int NodeHeaderLimit = 16 * 1024;

    /// <summary>Requests refused with 431 as Node would (never recorded in <see cref="Requests"/>: Node's parser stops them).</summary>
    public int RefusedForHeaderSize => _refusedForHeaderSize;

    private int _refusedForHeaderSize;

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        if (HeaderBytes(context) > NodeHeaderLimit)
        {
            Interlocked.Increment(ref _refusedForHeaderSize);
            context.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
            return;
        }

        // Kept whole (test bodies are small) so that the answer below can still read it, e.g. a couch login's.
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        body.Position = 0;
        request.Body = body;

        Requests.Enqueue(new RecordedRequest(
            request.Method,
            context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)))));
        var user = Owner(request.Headers.Authorization.ToString());
        var path = request.Path.Value!;
        if (Prefix.Length > 0)
        {
            if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal))
            {
                await Json(context, 404, """{"error":"not under the repository's path"}""");
                return;
            }

            path = path[Prefix.Length..];
        }

        switch (request.Method, path)
        {
            case ("GET", "/-/ping"):
                await Json(context, 200, "{}");
                return;
            case ("GET", "/-/whoami") when user == "throttled":
                context.Response.Headers.RetryAfter = "30"; // a registry's own rate limit, as npmjs answers it
                await Json(context, 429, """{"error":"rate limited"}""");
                return;
            case ("GET", "/-/whoami"):
                await (user is null
                    ? Json(context, 401, """{"error":"bad username/password, access denied"}""")
                    : Json(context, 200, $$"""{"username":"{{user}}"}"""));
                return;
            case ("GET", "/-/npm/v1/user") when user is not null:
                await Json(context, 200, $$"""{"tfa":false,"name":"{{user}}","email":"","email_verified":false,"created":"","updated":"","cidr_whitelist":null,"fullname":""}""");
                return;
            case ("GET", "/demo-pkg"):
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(Packument);
                return;
            case ("PUT", var login) when login!.StartsWith("/-/user/org.couchdb.user:", StringComparison.Ordinal):
                await CouchLoginAsync(context);
                return;
            case ("GET" or "HEAD", "/tarball-pkg"):
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(TarballPackument(request.Headers.Host.ToString()));
                return;
            case ("GET", "/gzip-pkg"):
                // A registry that compresses whatever the client asked for.
                context.Response.ContentType = "application/json";
                context.Response.Headers.ContentEncoding = "gzip";
                await context.Response.Body.WriteAsync(GzipPackument);
                return;
            case ("GET", "/tarball-pkg/1.0.0"):
                await Json(context, 200, $$$"""{"name":"tarball-pkg","version":"1.0.0","dist":{"tarball": "{{{Url}}}{{{Prefix}}}/tarball-pkg/-/tarball-pkg-1.0.0.tgz"}}""");
                return;
            case ("GET", "/tarball-pkg/-/tarball-pkg-1.0.0.tgz"):
                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(Tarball);
                return;
            case ("PUT", var scoped) when scoped.StartsWith("/@stub%2f", StringComparison.OrdinalIgnoreCase) && !scoped.Contains("/-rev/", StringComparison.Ordinal):
                await Json(context, 201, """{"ok":"created new package","success":true}""");
                return;
            case ("GET", "/stage-team"):
                await Json(context, 200, """{"_id":"stage-team","name":"stage-team","maintainers":[{"name":"mia","email":"mia@example.com"}],"dist-tags":{},"versions":{}}""");
                return;
            case ("PUT", "/stage-ok"):
                await Json(context, 201, """{"ok":"created new package","success":true}""");
                return;
            case ("PUT", "/stage-down"):
                await Json(context, 503, """{"error":"registry unavailable"}""");
                return;
            case ("PUT", "/stage-taken"):
                await Json(context, 409, """{"error":"this package is already present"}""");
                return;
            case ("PUT", "/demo-pkg"):
                await Json(context, 201, """{"ok":"created new package","success":true}""");
                return;
            case ("PUT", var changed) when changed!.StartsWith("/@stub", StringComparison.Ordinal) && changed.Contains("/-rev/", StringComparison.Ordinal):
                await Json(context, 201, """{"ok":"package changed"}"""); // an owner change of a scoped package
                return;
            // A registry with its own stage API (Verdaccio 9 with flags.stage), for Gateway:Staging:Mode = upstream.
            case ("POST", var staged) when staged.StartsWith("/-/stage/package/", StringComparison.Ordinal):
                await Json(context, 201, """{"message":"Package version staged successfully.","stageId":"1b4e28ba-2fa1-11d2-883f-0016d3cca427"}""");
                return;
            case ("POST", var approved) when approved.StartsWith("/-/stage/", StringComparison.Ordinal) && approved.EndsWith("/approve", StringComparison.Ordinal):
                await Json(context, 201, """{"message":"Package version approved and published successfully."}""");
                return;
            case ("DELETE", var rejected) when rejected.StartsWith("/-/stage/", StringComparison.Ordinal):
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            default:
                await Json(context, 404, """{"error":"not found"}""");
                return;
        }
    }

    /// <summary>
    /// A packument whose tarball URLs start with the registry's own base (1.0.0), with the Host it was asked for plus its
    /// path (1.0.1, as Verdaccio writes with <c>url_prefix</c>), or elsewhere (1.0.2); its readme names the registry's URL.
    /// </summary>
    private byte[] TarballPackument(string host) => Encoding.UTF8.GetBytes($$$"""
        {
          "name": "tarball-pkg",
          "readme": "Mirror: {\"tarball\": \"x\"} at {{{Url}}}{{{Prefix}}}/tarball-pkg/-/tarball-pkg-1.0.0.tgz",
          "versions": {
            "1.0.0": {"dist": {"tarball": "{{{Url}}}{{{Prefix}}}/tarball-pkg/-/tarball-pkg-1.0.0.tgz"}},
            "1.0.1": {"dist": {"tarball" :
              "http://{{{host}}}{{{Prefix}}}/tarball-pkg/-/tarball-pkg-1.0.1.tgz"}},
            "1.0.2": {"dist": {"tarball":"https://cdn.example/tarball-pkg/-/tarball-pkg-1.0.2.tgz"}}
          }
        }
        """);

    /// <summary>A gzip-compressed packument with a tarball URL under the registry's base.</summary>
    public byte[] GzipPackument => _gzipPackument ??= Gzip("""{"name":"gzip-pkg","versions":{"1.0.0":{"dist":{"tarball":""" + $"\"{Url}{Prefix}/gzip-pkg/-/gzip-pkg-1.0.0.tgz\"" + "}}}}");

    private byte[]? _gzipPackument;

    private static byte[] Gzip(string text)
    {
        var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    /// <summary>A tarball's bytes, which happen to look like a tarball URL under the registry's base: never rewritten.</summary>
    public byte[] Tarball => Encoding.UTF8.GetBytes($$$"""{"tarball":"{{{Url}}}{{{Prefix}}}/x.tgz"}""");

    private static int HeaderBytes(HttpContext context) =>
        context.Request.Method.Length + context.Features.Get<IHttpRequestFeature>()!.RawTarget.Length + 12
        + context.Request.Headers.Sum(h => h.Key.Length + 4 + h.Value.ToString().Length);

    /// <summary>A couch login (docs/PROTOCOL.md#51): the body's name and password; a wrong one answered as Verdaccio 6.8 does.</summary>
    private static async Task CouchLoginAsync(HttpContext context)
    {
        using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
        var name = body.RootElement.GetProperty("name").GetString();
        var password = body.RootElement.GetProperty("password").GetString();
        if (name is not null && password == name + "-password")
        {
            await Json(context, 201, $$"""{"ok":"you are authenticated as '{{name}}'","token":"{{name}}-token"}""");
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Basic, Bearer";
        await Json(context, 401, "{\n  \"error\": \"unauthorized access\"\n}\n");
    }

    private static string? Owner(string authorization)
    {
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal) && authorization.EndsWith("-token", StringComparison.Ordinal))
        {
            return authorization["Bearer ".Length..^"-token".Length];
        }

        if (authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])).Split(':', 2);
            return pair is [var user, var password] && password == user + "-password" ? user : null;
        }

        return null;
    }

    private static Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <param name="BodySha256">The SHA-256 of the body it received (lower-case hex).</param>
    internal sealed record RecordedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, string BodySha256);
}
