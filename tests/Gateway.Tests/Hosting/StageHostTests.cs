using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Automation;
using Gateway.TwoFactor;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Hosting;

/// <summary>
/// npm's stage API answered by the gateway in process, in front of the stub registry (which has none): the exact JSON
/// shapes, pages as npm and Yarn walk them, the tarball as staged, the publish the approval sends (byte for byte the
/// document staged), the registry's refusals and outage keeping the stage, and bad input answered 4xx <c>{error}</c>.
/// </summary>
public sealed class StageHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private static readonly string[] ItemProperties = ["id", "packageName", "version", "tag", "createdAt", "actor", "actorType", "access", "shasum"];

    [Fact]
    public async Task Stage_ListPagesViewTarball_InNpmsShapes_NewestFirst()
    {
        var package = "stage-pages-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" })
        {
            var (body, _) = Document(package, version);
            using var staged = await SendAsync("sam", HttpMethod.Post, $"/-/stage/package/{package}", body);
            var answer = await JsonAsync(staged, HttpStatusCode.Created);
            Assert.Equal("Package version staged successfully.", answer.GetProperty("message").GetString());
            ids.Add(answer.GetProperty("stageId").GetString()!);
        }

        var first = await JsonAsync(await SendAsync("sam", HttpMethod.Get, $"/-/stage?page=0&perPage=2&package={package}"), HttpStatusCode.OK);
        var second = await JsonAsync(await SendAsync("sam", HttpMethod.Get, $"/-/stage?page=1&perPage=2&package={package}"), HttpStatusCode.OK);
        var capped = await JsonAsync(await SendAsync("sam", HttpMethod.Get, $"/-/stage?perPage=500&package={package}"), HttpStatusCode.OK);

        Assert.Equal(["items", "page", "perPage", "total"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal((0, 2, 3), (first.GetProperty("page").GetInt32(), first.GetProperty("perPage").GetInt32(), first.GetProperty("total").GetInt32()));
        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed.Select(i => i.GetProperty("id").GetString()));
        Assert.All(listed, i => Assert.Equal(ItemProperties, i.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(("sam", "user", "public", "latest"), (listed[0].GetProperty("actor").GetString(), listed[0].GetProperty("actorType").GetString(),
            listed[0].GetProperty("access").GetString(), listed[0].GetProperty("tag").GetString()));
        Assert.Equal(100, capped.GetProperty("perPage").GetInt32());

        var view = await JsonAsync(await SendAsync("sam", HttpMethod.Get, $"/-/stage/{ids[0].ToUpperInvariant()}"), HttpStatusCode.OK);
        Assert.Equal(listed[2].GetRawText(), view.GetRawText());
        using var tarball = await SendAsync("sam", HttpMethod.Get, $"/-/stage/{ids[0]}/tarball");
        Assert.Equal("application/octet-stream", tarball.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Document(package, "1.0.0").Tarball, await tarball.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Approve_SendsTheStagedDocumentByteForByteWithTheApproversCredential_ThenTheStageIsGone()
    {
        var secret = await host.EnrolAsync("april");
        var (body, _) = Document("stage-ok", "2.0." + Random.Shared.Next(1_000_000));
        var id = await StageAsync("april", "stage-ok", body);
        var before = host.Registry.Requests.Count;

        using var approve = GatewayHost.As("april", HttpMethod.Post, $"/-/stage/{id}/approve");
        approve.Headers.Add("npm-otp", TotpCodes.Compute(secret, DateTimeOffset.UtcNow));
        var approved = await JsonAsync(await host.Client.SendAsync(approve), HttpStatusCode.Created);

        Assert.Equal("Package version approved and published successfully.", approved.GetProperty("message").GetString());
        var put = Assert.Single(host.Registry.Requests.Skip(before), r => r.Method == "PUT");
        Assert.Equal("/stage-ok", put.RawTarget);
        Assert.Equal("Bearer april-token", put.Headers["Authorization"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), put.BodySha256);
        using var gone = await SendAsync("april", HttpMethod.Get, $"/-/stage/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData("stage-down", HttpStatusCode.ServiceUnavailable)]
    [InlineData("stage-taken", HttpStatusCode.Conflict)]
    public async Task Approve_RegistryDownOrVersionTaken_IsAnsweredAndTheStageIsKept(string package, HttpStatusCode expected)
    {
        var user = "bruno-" + package;
        var secret = await host.EnrolAsync(user);
        var id = await StageAsync(user, package, Document(package, "3.0." + Random.Shared.Next(1_000_000)).Body);

        using var approve = GatewayHost.As(user, HttpMethod.Post, $"/-/stage/{id}/approve");
        approve.Headers.Add("npm-otp", TotpCodes.Compute(secret, DateTimeOffset.UtcNow));
        using var refused = await host.Client.SendAsync(approve);

        Assert.Equal(expected, refused.StatusCode);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()));
        Assert.True(expected != HttpStatusCode.ServiceUnavailable || refused.Headers.RetryAfter is not null);
        using var kept = await SendAsync(user, HttpMethod.Get, $"/-/stage/{id}");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task BadInput_IsAnswered4xxWithAnError_AndNothingIsStaged()
    {
        const string package = "stage-bad";
        var (good, _) = Document(package, "1.0.0");
        var cases = new (string Body, string? Encoding, HttpStatusCode Status)[]
        {
            ("{\"name\":\"stage-bad\",", null, HttpStatusCode.BadRequest),
            (good.Replace("\"name\":\"stage-bad\"", "\"name\":\"other\"", StringComparison.Ordinal), null, HttpStatusCode.BadRequest),
            (good.Replace("\"shasum\":\"", "\"shasum\":\"0", StringComparison.Ordinal), null, HttpStatusCode.BadRequest),
            (good.Replace("\"_attachments\":{", "\"_attachments\":{\"x.sigstore\":{\"data\":\"e30=\"},", StringComparison.Ordinal), null, HttpStatusCode.BadRequest),
            (good.Replace("\"data\":\"", "\"data\":\"!", StringComparison.Ordinal), null, HttpStatusCode.BadRequest),
            (good.Replace("\"versions\":{", "\"versions\":{\"9.9.9\":{},", StringComparison.Ordinal), null, HttpStatusCode.BadRequest),
            (good, "gzip", HttpStatusCode.UnsupportedMediaType),
        };
        var keysBefore = await StageKeysAsync();
        foreach (var (body, encoding, status) in cases)
        {
            using var request = GatewayHost.As("carl", HttpMethod.Post, $"/-/stage/package/{package}", body);
            if (encoding is not null)
            {
                request.Content!.Headers.ContentEncoding.Add(encoding);
            }

            using var refused = await host.Client.SendAsync(request);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == status, $"{status} expected for {body[..Math.Min(80, body.Length)]}: {(int)refused.StatusCode} {text}");
            Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()), text);
        }

        var list = await JsonAsync(await SendAsync("carl", HttpMethod.Get, $"/-/stage?package={package}"), HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
        Assert.Equal(keysBefore, await StageKeysAsync());
        foreach (var query in new[] { "page=-1", "perPage=abc", "page=1&page=2" })
        {
            using var badPage = await SendAsync("carl", HttpMethod.Get, "/-/stage?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        }

        using var anonymous = await host.Client.GetAsync("/-/stage");
        using var malformed = await SendAsync("carl", HttpMethod.Get, "/-/stage/not-a-uuid");
        using var unknown = await SendAsync("carl", HttpMethod.Get, $"/-/stage/{Guid.NewGuid()}/tarball");
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (anonymous.StatusCode, malformed.StatusCode, unknown.StatusCode));
    }

    [Fact]
    public async Task StageOnlyToken_SeesOnlyWhatItStaged_NotItsAccountsOtherStages()
    {
        var package = "stage-ci-" + Guid.NewGuid().ToString("N")[..8];
        var token = "cia-token"; // the stub registry's whoami: cia's
        await host.Services.GetRequiredService<TokenLedger>().RecordAsync(new TokenAttributes(
            "cia", "key-ci", "ci", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), [], [], TokenPermission.StageOnly, [], false), token, default);
        var byToken = await StageAsync("cia", package, Document(package, "1.0.0").Body);

        // The same account with its password (a person's login) stages another version.
        using var byPassword = new HttpRequestMessage(HttpMethod.Post, $"/-/stage/package/{package}")
        {
            Content = new StringContent(Document(package, "1.1.0").Body, Encoding.UTF8, "application/json"),
        };
        byPassword.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("cia:cia-password")));
        var byPerson = (await JsonAsync(await host.Client.SendAsync(byPassword), HttpStatusCode.Created)).GetProperty("stageId").GetString()!;

        var listed = await JsonAsync(await SendAsync("cia", HttpMethod.Get, $"/-/stage?package={package}"), HttpStatusCode.OK);
        Assert.Equal([byToken], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
        using var other = await SendAsync("cia", HttpMethod.Get, $"/-/stage/{byPerson}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using var otherTarball = await SendAsync("cia", HttpMethod.Get, $"/-/stage/{byPerson}/tarball");
        Assert.Equal(HttpStatusCode.NotFound, otherTarball.StatusCode);
        await JsonAsync(await SendAsync("cia", HttpMethod.Get, $"/-/stage/{byToken}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task DirectPublish_OfAStagedVersion_Is409NamingTheStage_NeverForwarded_OtherVersionsGoOnByteForByte()
    {
        var version = "3.0." + Random.Shared.Next(1_000_000);
        var (body, _) = Document("stage-ok", version);
        var id = await StageAsync("sam", "stage-ok", body);
        int Puts() => host.Registry.Requests.Count(r => r.Method == "PUT" && r.RawTarget == "/stage-ok");
        var before = Puts();

        var refused = await JsonAsync(await SendAsync("sam", HttpMethod.Put, "/stage-ok", body), HttpStatusCode.Conflict);

        Assert.Equal($"stage-ok@{version} is staged (stage {id}): approve it with `npm stage approve {id}` or reject it with `npm stage reject {id}`; it cannot also be published directly.",
            refused.GetProperty("error").GetString());
        Assert.Equal(before, Puts());

        // Another version of the package: its body was read to check it, and the registry gets it byte for byte.
        var (other, _) = Document("stage-ok", version + "-next");
        await JsonAsync(await SendAsync("sam", HttpMethod.Put, "/stage-ok", other), HttpStatusCode.Created);
        var put = host.Registry.Requests.Last(r => r.Method == "PUT" && r.RawTarget == "/stage-ok");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(other))), put.BodySha256);
    }

    private async Task<int> StageKeysAsync() => await host.StoreClient.GetServers()[0].KeysAsync(pattern: "gw:stage*").CountAsync();

    private async Task<string> StageAsync(string user, string package, string body) =>
        (await JsonAsync(await SendAsync(user, HttpMethod.Post, $"/-/stage/package/{package}", body), HttpStatusCode.Created)).GetProperty("stageId").GetString()!;

    private Task<HttpResponseMessage> SendAsync(string user, HttpMethod method, string target, string? body = null) =>
        host.Client.SendAsync(GatewayHost.As(user, method, target, body));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{expected} expected: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>A publish document as npm sends it (compact, plain base64), with a tarball whose bytes depend on name and version.</summary>
    private static (string Body, byte[] Tarball) Document(string package, string version)
    {
        var tarball = SHA512.HashData(Encoding.UTF8.GetBytes(package + "@" + version)).Concat(new byte[1000]).ToArray();
        var dist = $$"""{"integrity":"sha512-{{Convert.ToBase64String(SHA512.HashData(tarball))}}","shasum":"{{Convert.ToHexStringLower(SHA1.HashData(tarball))}}","tarball":"http://localhost/{{package}}/-/{{package}}-{{version}}.tgz" """.TrimEnd() + "}";
        var manifest = $$"""{"name":"{{package}}","version":"{{version}}","_id":"{{package}}@{{version}}","dist":""" + dist + "}";
        var attachment = $$"""{"content_type":"application/octet-stream","data":"{{Convert.ToBase64String(tarball)}}","length":{{tarball.Length}} """.TrimEnd() + "}";
        var body = $$"""{"_id":"{{package}}","name":"{{package}}","description":"staged","dist-tags":{"latest":"{{version}}"},"versions":{"{{version}}":""" + manifest
            + "}" + $$""","access":null,"_attachments":{"{{package}}-{{version}}.tgz":""" + attachment + "}}";
        return (body, tarball);
    }
}
