using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// A web-OTP approval is for the one request the page showed — its body's SHA-256 included — used once, then
/// only for the follow-up requests of the same npm command by the same credential, counted. The CLI side is plain HTTP as npm sends it
/// (<c>npm-auth-type: web</c>, the token from <c>doneUrl</c> as <c>npm-otp</c>); the approval goes through the
/// page's form with a TOTP. Registry state is read from Verdaccio directly.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class WebOtpBindingTests(RegistryFixture registry)
{
    private static readonly Dictionary<string, string> s_web = new() { ["npm-auth-type"] = "web" };

    [Fact]
    public async Task ApprovedPublish_TokenRefusedForOtherPublishSameLengthBodyOrOtherCredential_ApprovedRequestOnce()
    {
        var gateway = await registry.SharedGatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("bound"));
        var name = RegistryFixture.UniquePackageName("bound");
        Assert.True((await PublishAsync(gateway, user.Token, name, "1.0.0", await Totp.CodeAsync(user.Secret))).Status == HttpStatusCode.Created);

        var approved = PublishDocument(name, "1.1.0");
        var (token, page) = await ApproveAsync(gateway, user, HttpMethod.Put, "/" + VerdaccioProcess.EncodeName(name), approved, +1);

        // Same credential, same action and package, another body: refused while the token is still unused.
        var other = await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), user.Token, token, PublishDocument(name, "6.6.6-evil"));
        AssertRefused(other);
        // Another body of exactly the same length (the same tarball as another version): refused too; the body's hash is bound.
        var sameLength = PublishDocument(name, "1.1.9", Convert.FromBase64String(approved["_attachments"]![$"{name}-1.1.0.tgz"]!["data"]!.GetValue<string>()));
        Assert.Equal(approved.ToJsonString().Length, sameLength.ToJsonString().Length);
        AssertRefused(await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), user.Token, token, sameLength));
        // Another credential of the same user, the very request approved: refused.
        var secondToken = await registry.Verdaccio.LoginAsync(user.User);
        AssertRefused(await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), secondToken, token, approved));
        // A different action on the package: refused.
        var rev = (await registry.Verdaccio.GetPackumentAsync(name))?["_rev"]?.GetValue<string>() ?? "0-0";
        AssertRefused(await gateway.SendAsync(HttpMethod.Delete, $"{VerdaccioProcess.EncodeName(name)}/-rev/{rev}", user.Token, token));
        Assert.Equal(["1.0.0"], await VersionsAsync(name));

        // The approved request, by the credential that made it: once.
        var publish = await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), user.Token, token, approved);
        Assert.True(publish.Status == HttpStatusCode.Created, publish.ToString());
        AssertRefused(await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), user.Token, token, approved));
        Assert.Equal(["1.0.0", "1.1.0"], await VersionsAsync(name));
        AssertShowsRequest(page, "PUT", "/" + name); // the page showed the request it approved
        Assert.Contains("<code class=\"version\">1.1.0</code>", page.Body, StringComparison.Ordinal);
        Assert.Contains($"<code class=\"shasum\">{approved["versions"]!["1.1.0"]!["dist"]!["shasum"]!.GetValue<string>()}</code>", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovedVersionRemoval_OneTarballDeleteFollowUpAccepted_SecondAndWholePackageDeleteRefused()
    {
        var gateway = await registry.SharedGatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("followup"));
        var name = RegistryFixture.UniquePackageName("followup");
        var code = await Totp.CodeAsync(user.Secret);
        Assert.True((await PublishAsync(gateway, user.Token, name, "1.0.0", code)).Status == HttpStatusCode.Created);
        Assert.True((await PublishAsync(gateway, user.Token, name, "1.1.0", code)).Status == HttpStatusCode.Created);

        // npm unpublish name@1.1.0: PUT the packument without the version, then DELETE its tarball.
        var packument = (await registry.Verdaccio.GetPackumentAsync(name))!.AsObject();
        var rev = packument["_rev"]!.GetValue<string>();
        packument["versions"]!.AsObject().Remove("1.1.0");
        packument["time"]?.AsObject().Remove("1.1.0");
        packument["dist-tags"] = new JsonObject { ["latest"] = "1.0.0" };
        var removal = $"/{VerdaccioProcess.EncodeName(name)}/-rev/{rev}";
        var (token, page) = await ApproveAsync(gateway, user, HttpMethod.Put, removal, packument, +1);

        var put = await gateway.SendAsync(HttpMethod.Put, removal, user.Token, token, packument);
        Assert.True(put.Status is HttpStatusCode.Created or HttpStatusCode.OK, put.ToString());
        var rev2 = (await registry.Verdaccio.GetPackumentAsync(name))!["_rev"]!.GetValue<string>();
        var tarball = await gateway.SendAsync(HttpMethod.Delete, $"{VerdaccioProcess.EncodeName(name)}/-/{name}-1.1.0.tgz/-rev/{rev2}", user.Token, token);
        Assert.True(tarball.Status is HttpStatusCode.Created or HttpStatusCode.OK, tarball.ToString());

        // The removal of one version implies one tarball DELETE: a second one is beyond the approval's budget.
        AssertRefused(await gateway.SendAsync(HttpMethod.Delete, $"{VerdaccioProcess.EncodeName(name)}/-/{name}-1.0.0.tgz/-rev/{rev2}", user.Token, token));

        // Same action and package, but not a follow-up of a version removal: deleting the whole package is refused.
        var rev3 = (await registry.Verdaccio.GetPackumentAsync(name))!["_rev"]!.GetValue<string>();
        AssertRefused(await gateway.SendAsync(HttpMethod.Delete, $"{VerdaccioProcess.EncodeName(name)}/-rev/{rev3}", user.Token, token));
        Assert.Equal(["1.0.0"], await VersionsAsync(name));
        AssertShowsRequest(page, "PUT", removal);
    }

    /// <summary>
    /// npm login (couch, the fallback when web login is off) with web auth: npm repeats its first PUT after the
    /// approval with a new <c>date</c> (npm-profile sets it on every call), which the bound hash leaves out;
    /// the second PUT (Basic) is the one follow-up the approval allows.
    /// </summary>
    [Fact]
    public async Task CouchLogin_WebApproval_RetryWithNpmsNewDate_Accepted_OneSecondPut_ThenRefused()
    {
        var gateway = await registry.SharedGatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("couchweb"));
        var path = "/-/user/org.couchdb.user:" + user.Name;
        JsonObject Body(string date) => new()
        {
            ["_id"] = "org.couchdb.user:" + user.Name, ["name"] = user.Name, ["password"] = user.Password, ["type"] = "user", ["roles"] = new JsonArray(), ["date"] = date,
        };
        var (token, _) = await ApproveAsync(gateway, user, HttpMethod.Put, path, Body("2026-12-07T14:00:00.000Z"), +1, bearer: null);

        // The retry of the first PUT, a second later: forwarded (Verdaccio: 409, the user exists), not challenged.
        var first = await gateway.SendAsync(HttpMethod.Put, path, token: null, token, Body("2026-12-07T14:00:01.234Z"), s_web);
        Assert.True(first.Status == HttpStatusCode.Conflict, first.ToString());
        var basic = new Dictionary<string, string>(s_web) { ["Authorization"] = GatewayHttp.Basic(user.Name, user.Password) };
        var second = await gateway.SendAsync(HttpMethod.Put, path + "/-rev/undefined", token: null, token, Body("2026-12-07T14:00:01.234Z"), basic);
        Assert.True((int)second.Status is 200 or 201, second.ToString());
        Assert.NotNull(JsonNode.Parse(second.Body)?["token"]);

        // Once: the approval's budget of follow-ups is spent.
        AssertRefused(await gateway.SendAsync(HttpMethod.Put, path + "/-rev/undefined", token: null, token, Body("2026-12-07T14:00:02.000Z"), basic));
    }

    /// <summary>
    /// The request as npm sends it first (web auth, no code): the challenge's authUrl is approved on the page
    /// with a TOTP, and doneUrl hands over the token. Returns the token and the approval page.
    /// </summary>
    /// <param name="bearer">The request's token; null for a couch login's first PUT, which carries none.</param>
    private static async Task<(string Token, HttpAnswer Page)> ApproveAsync(GatewayProcess gateway, TwoFactorUser user, HttpMethod method, string target, JsonNode body, int codeOffset,
        string? bearer = "")
    {
        var challenge = await gateway.SendAsync(method, target, bearer == "" ? user.Token : bearer, body: body, headers: s_web);
        Assert.True(challenge.Status == HttpStatusCode.Unauthorized, challenge.ToString());
        var authUrl = challenge.Json?["authUrl"]?.GetValue<string>() ?? throw new InvalidOperationException(challenge.ToString());
        var doneUrl = challenge.Json?["doneUrl"]?.GetValue<string>() ?? throw new InvalidOperationException(challenge.ToString());

        using var page = new PageSession(gateway);
        var shown = await page.GetAsync(new Uri(authUrl).AbsolutePath);
        var approval = await page.PostFormAsync(new Uri(authUrl).AbsolutePath, new Dictionary<string, string> { ["code"] = await Totp.CodeAsync(user.Secret, codeOffset) });
        Assert.Contains("id=\"approved\"", approval.Body, StringComparison.Ordinal);

        var done = await gateway.SendAsync(HttpMethod.Get, new Uri(doneUrl).AbsolutePath, token: null);
        var token = done.Json?["token"]?.GetValue<string>() ?? throw new InvalidOperationException(done.ToString());

        // Handed over once; after that the flow is gone, and the poll's answer is final and says so (docs/PROTOCOL.md#41-web-otp).
        var again = await gateway.SendAsync(HttpMethod.Get, new Uri(doneUrl).AbsolutePath, token: null);
        Assert.True(again.Status == HttpStatusCode.Gone, again.ToString());
        Assert.StartsWith("The approval expired", again.Json?["error"]?.GetValue<string>(), StringComparison.Ordinal);
        return (token, shown);
    }

    private static void AssertShowsRequest(HttpAnswer page, string method, string target)
    {
        Assert.Contains($"id=\"flow-method\">{method}<", page.Body, StringComparison.Ordinal);
        Assert.Contains($"id=\"flow-target\">{target}<", page.Body, StringComparison.Ordinal); // unscoped names: nothing to encode
    }

    private static void AssertRefused(HttpAnswer answer)
    {
        Assert.True(answer.Status == HttpStatusCode.Unauthorized, answer.ToString());
        Assert.Equal("otp", answer.Header("WWW-Authenticate"));
        Assert.Contains("one-time pass", answer.Json?["error"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
    }

    private static Task<HttpAnswer> PublishAsync(GatewayProcess gateway, string token, string name, string version, string otp) =>
        gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), token, otp, PublishDocument(name, version));

    /// <summary>npm's publish body (docs/PROTOCOL.md#34-the-publish-document) with a small attachment.</summary>
    private static JsonObject PublishDocument(string name, string version, byte[]? tarball = null)
    {
        tarball ??= RandomNumberGenerator.GetBytes(64);
        return new JsonObject
        {
            ["_id"] = name,
            ["name"] = name,
            ["dist-tags"] = new JsonObject { ["latest"] = version },
            ["versions"] = new JsonObject
            {
                [version] = new JsonObject
                {
                    ["name"] = name,
                    ["version"] = version,
                    ["dist"] = new JsonObject
                    {
                        ["shasum"] = Convert.ToHexStringLower(SHA1.HashData(tarball)),
                        ["tarball"] = $"http://localhost/{name}/-/{name}-{version}.tgz",
                    },
                },
            },
            ["_attachments"] = new JsonObject
            {
                [$"{name}-{version}.tgz"] = new JsonObject { ["content_type"] = "application/octet-stream", ["data"] = Convert.ToBase64String(tarball), ["length"] = tarball.Length },
            },
        };
    }

    private async Task<IReadOnlyList<string>> VersionsAsync(string name)
    {
        var packument = await registry.Verdaccio.GetPackumentAsync(name);
        return packument?["versions"]?.AsObject().Select(v => v.Key).Order(StringComparer.Ordinal).ToList() ?? [];
    }
}
