using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Red-team findings: requests a one-factor attacker sends through the gateway that the registry acts on
/// differently from how the gateway classified them. Each test asserts the secure outcome, so it FAILS
/// while the finding is open. State is read from Verdaccio directly, never through the gateway.
/// </summary>
/// <remarks>
/// Root cause of the backslash findings: Express's router reads the path through <c>parseurl</c>, which
/// falls back to Node's legacy <c>url.parse</c> whenever the request target contains <c>#</c> (or a
/// space, tab, …), and <c>url.parse</c> turns every <c>\</c> before the query/fragment into <c>/</c>.
/// So <c>/-\verdaccio\sec\login#x</c> is Verdaccio's <c>/-/verdaccio/sec/login</c>, while the gateway's
/// <c>RequestPath</c> keeps <c>\</c> as an ordinary character (one segment <c>-\verdaccio\sec\login</c>)
/// and no rule names it: an unknown write, class <c>writes</c>, identity "anonymous" when it has no
/// Authorization. Kestrel accepts the target and <c>RawTargetTransform</c> forwards it verbatim.
/// </remarks>
[Collection(RegistryCollection.Name)]
public sealed class RedTeamTests(RegistryFixture registry, ClassGateway classGateway) : IClassFixture<ClassGateway>
{
    /// <summary>Password only → a registry (web-UI) token for an auth-and-writes 2FA user; no Authorization, no code.</summary>
    [Theory]
    [InlineData("/-\\verdaccio\\sec\\login#x")]
    [InlineData("/-\\verdaccio/sec/login#x")]
    [InlineData("/-/verdaccio\\sec\\login#x")]
    public async Task WebUiLogin_BackslashPathWithFragment_PasswordOnly_NoTokenForTwoFactorUser(string target)
    {
        var gateway = await GatewayAsync();
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("alice"));
        var body = new JsonObject { ["username"] = alice.Name, ["password"] = alice.Password }.ToJsonString();

        var (status, text) = await RawAsync(gateway, "POST", target, null, body);

        Assert.False(status == 200 && text.Contains("\"token\"", StringComparison.Ordinal),
            $"the registry handed out a token for 2FA user {alice.Name} on the password alone:\n{status}\n{text}");
    }

    /// <summary>Password only (Basic) → a new npm token for an auth-only user (token-create is class auth: 2FA in both modes).</summary>
    [Fact]
    public async Task TokenCreate_BackslashPathWithFragment_AuthOnlyUser_PasswordOnly_NoNewToken()
    {
        var gateway = await GatewayAsync();
        var bob = await gateway.EnrolAsync(await registry.CreateUserAsync("bob"), mode: "auth-only");
        var before = await TokenCountAsync(bob.User);
        var body = new JsonObject { ["password"] = bob.Password, ["readonly"] = false, ["cidr_whitelist"] = new JsonArray() }.ToJsonString();

        var (status, text) = await RawAsync(gateway, "POST", "/-\\npm\\v1\\tokens#x", GatewayHttp.Basic(bob.Name, bob.Password), body);

        Assert.Equal(before, await TokenCountAsync(bob.User));
        Assert.DoesNotContain("\"token\"", text, StringComparison.Ordinal);
        Assert.NotEqual(200, status);
    }

    /// <summary>Password only (Basic) → couch login token for an auth-only user.</summary>
    [Fact]
    public async Task CouchLogin_BackslashPathWithFragment_AuthOnlyUser_PasswordOnly_NoToken()
    {
        var gateway = await GatewayAsync();
        var bob = await gateway.EnrolAsync(await registry.CreateUserAsync("bob"), mode: "auth-only");
        var body = new JsonObject { ["_id"] = "org.couchdb.user:" + bob.Name, ["name"] = bob.Name, ["password"] = bob.Password, ["type"] = "user", ["roles"] = new JsonArray() }.ToJsonString();

        var (status, text) = await RawAsync(gateway, "PUT", $"/-\\user\\org.couchdb.user:{bob.Name}#x", GatewayHttp.Basic(bob.Name, bob.Password), body);

        Assert.False(status == 201 && text.Contains("\"token\"", StringComparison.Ordinal),
            $"couch login of auth-only user {bob.Name} got a token without a code:\n{status}\n{text}");
    }

    /// <summary>Stolen token only → revoke another of the user's tokens (token-revoke is class auth) for an auth-only user.</summary>
    [Fact]
    public async Task TokenRevoke_BackslashPathWithFragment_AuthOnlyUser_TokenOnly_NotRevoked()
    {
        var gateway = await GatewayAsync();
        var bob = await gateway.EnrolAsync(await registry.CreateUserAsync("bob"), mode: "auth-only");
        // A generated token the victim made (straight at the registry: the setup is not the attack).
        using (var create = new HttpRequestMessage(HttpMethod.Post, "-/npm/v1/tokens"))
        {
            create.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bob.Token);
            create.Content = new StringContent(new JsonObject { ["password"] = bob.Password, ["readonly"] = false, ["cidr_whitelist"] = new JsonArray() }.ToJsonString(), Encoding.UTF8, "application/json");
            using var created = await registry.Verdaccio.Http.SendAsync(create);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var key = (await TokenListAsync(bob.User))[0]!["key"]!.GetValue<string>();

        var (status, text) = await RawAsync(gateway, "DELETE", $"/-\\npm\\v1\\tokens\\token\\{key}#x", "Bearer " + bob.Token, null);

        Assert.Single(await TokenListAsync(bob.User));
        Assert.NotEqual(200, status);
        _ = text;
    }

    private async Task<int> TokenCountAsync(RegistryUser user) => (await TokenListAsync(user)).Count;

    private async Task<JsonArray> TokenListAsync(RegistryUser user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "-/npm/v1/tokens");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + user.Token);
        using var response = await registry.Verdaccio.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!["objects"]!.AsArray();
    }

    /// <summary>
    /// One HTTP/1.1 request written byte for byte (HttpClient would turn <c>\</c> into <c>/</c> and drop the
    /// fragment). Returns the status and the body.
    /// </summary>
    private static async Task<(int Status, string Body)> RawAsync(GatewayProcess gateway, string method, string target, string? authorization, string? body)
    {
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1:").Append(gateway.Port).Append("\r\n")
            .Append("Connection: close\r\n");
        if (authorization is not null)
        {
            head.Append("Authorization: ").Append(authorization).Append("\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Type: application/json\r\n").Append("Content-Length: ").Append(bytes.Length).Append("\r\n");
        }

        head.Append("\r\n");
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, gateway.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(bytes);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split >= 0 ? response[(split + 4)..] : "");
    }

    private Task<GatewayProcess> GatewayAsync() => classGateway.GetAsync(() => registry.StartGatewayAsync());
}
