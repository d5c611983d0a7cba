using System.Text;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Issue 19, item 13: a stranger's request shape is the stranger's fault. Bodies the gateway cannot read as the registry
/// would (a lone surrogate escape in a key or a value, invalid UTF-8, nesting past the limit) get a 400 with a JSON
/// <c>error</c> on every route whose decision reads the body — never a 500, and never a forward.
/// </summary>
public sealed class BodyShapesHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    /// <summary>Routes whose decision reads a small JSON body: the classifier's body rules, a login's account, a token's fields, a profile's tfa, a package rule.</summary>
    public static readonly TheoryData<string, string, string> Routes = new()
    {
        { "publish / deprecate / star", "PUT", "/demo-pkg" },
        { "version removal / owner", "PUT", "/demo-pkg/-rev/3-abc" },
        { "scoped version removal", "PUT", "/@stub%2fpkg/-rev/3-abc" },
        { "couch login", "PUT", "/-/user/org.couchdb.user:alice" },
        { "token create", "POST", "/-/npm/v1/tokens" },
        { "profile", "POST", "/-/npm/v1/user" },
        { "package rule", "POST", "/-/package/demo-pkg/access" },
    };

    private static readonly (string What, byte[] Body)[] Bodies =
    [
        ("lone surrogate in a key", """{"_id":"demo-pkg","x\ud800":1,"versions":{}}"""u8.ToArray()),
        ("lone surrogate in a nested key", """{"_id":"demo-pkg","name":"alice","versions":{"1.0.0":{"a\udc00":1,"b":2}},"maintainers":[]}"""u8.ToArray()),
        ("lone surrogate in a value", """{"_id":"demo-pkg","name":"alice\ud800","password":"p","versions":{},"tfa":{"mode":"disable","password":"\ud800"}}"""u8.ToArray()),
        ("invalid UTF-8", [.. """{"_id":"demo-pkg","name":"a"""u8, 0xFF, .. "\",\"versions\":{}}"u8]),
        ("nested 300 deep", Encoding.UTF8.GetBytes("{\"_id\":\"demo-pkg\",\"versions\":" + new string('[', 300) + new string(']', 300) + "}")),
    ];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task UnreadableBody_WithAToken_Is400WithAJsonError_NeverForwarded(string what, string method, string target)
    {
        foreach (var (shape, body) in Bodies)
        {
            var answer = await RawExchange.SendAsync(host.Client, RawExchange.Stranger, method, target,
                ["Authorization: Bearer alice-token", "Content-Type: application/json"], body);

            Assert.True(answer.Status == 400, $"{what}, {shape}: {answer.Status} {answer.Body}");
            Assert.False(string.IsNullOrEmpty(answer.Error), $"{what}, {shape}: no JSON error in {answer.Body}");
        }

        Assert.DoesNotContain(host.Registry.Requests, r => r.Method == method && r.RawTarget == target);
    }

    /// <summary>
    /// A body that stops arriving: Kestrel gives up after its minimum data rate's grace period (5 s) and throws from the
    /// stage reading it. Here the classifier, before any identity: a stranger without a credential can do this.
    /// </summary>
    [Fact]
    public async Task BodyThatStopsArriving_FromAStranger_Is408WithAJsonError_Not500()
    {
        var address = host.Client.BaseAddress!;
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(RawExchange.Stranger, 0));
        await socket.ConnectAsync(System.Net.IPAddress.Parse(address.Host), address.Port);
        await using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PUT /demo-pkg HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"_id\":"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        var answer = RawAnswer.Parse(received.ToArray());

        Assert.Equal(408, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Error), answer.Body);
        Assert.DoesNotContain(host.Registry.Requests, r => r is { Method: "PUT", RawTarget: "/demo-pkg" });
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }
}
