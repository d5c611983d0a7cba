using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// What an attacker holding one factor (a token, or the password) sends to make a protected change without
/// the second, against the real Verdaccio behind the gateway (docs/SECURITY.md). Each test names the finding
/// it reproduces; every one of them succeeded before the gateway decided on the registry's own reading of
/// the request. The registry's state is read from Verdaccio directly, never through the gateway.
/// </summary>
[Collection(SecondRegistryCollection.Name)]
public sealed class NoBypassTests(RegistryFixture registry, ClassGateway classGateway) : IClassFixture<ClassGateway>
{
    [Fact]
    public async Task PublishSmuggledAsStar_InUtf7_Refused415_NothingPublished()
    {
        var gateway = await GatewayAsync();
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("alice"));
        var victim = await PublishVictimAsync(gateway, alice);
        var body = Utf7Smuggling.Body(
            new JsonObject { ["_id"] = victim, ["users"] = new JsonObject() },
            "_rev", "1-a",
            HiddenPublish(victim, "6.6.6"));

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(victim), "Bearer " + alice.Token, body, "application/json; charset=utf-7");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.Status);
        Assert.Contains("UTF-8", answer.Json?["error"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null((await registry.Verdaccio.GetPackumentAsync(victim))?["versions"]?["6.6.6"]);
    }

    [Theory]
    [InlineData("application/json; charset=utf-16le")]
    [InlineData("application/json; charset=\"UTF-7\"")]
    [InlineData("text/plain")]
    public async Task StarWithAnyOtherEncoding_Refused_NothingChanged(string contentType)
    {
        var gateway = await GatewayAsync();
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("alice"));
        var victim = await PublishVictimAsync(gateway, alice);
        var body = new JsonObject { ["_id"] = victim, ["_rev"] = "1-a", ["users"] = new JsonObject { [alice.Name] = true } }.ToJsonString();

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(victim), "Bearer " + alice.Token, body, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.Status);
        Assert.Null((await registry.Verdaccio.GetPackumentAsync(victim))?["users"]?[alice.Name]);
    }

    [Fact]
    public async Task Star_PlainUtf8_StillNeedsNoCode()
    {
        var gateway = await GatewayAsync();
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("alice"));
        var victim = await PublishVictimAsync(gateway, alice);
        var body = new JsonObject { ["_id"] = victim, ["_rev"] = "1-a", ["users"] = new JsonObject { [alice.Name] = true } }.ToJsonString();

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(victim), "Bearer " + alice.Token, body, "application/json");

        Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.Created, answer.ToString());
        Assert.Equal(true, (await registry.Verdaccio.GetPackumentAsync(victim))?["users"]?[alice.Name]?.GetValue<bool>());
    }

    [Theory]
    [InlineData("-/user/org.couchdb.user:{0}/-rev", HttpStatusCode.Unauthorized)]
    [InlineData("-/user/org.couchdb.user:", HttpStatusCode.BadRequest)]
    [InlineData("-/user/org.couchdb.user:{0}%2Fx", HttpStatusCode.BadRequest)]
    [InlineData("-/user/{0}", HttpStatusCode.Unauthorized)]
    public async Task SecondLoginOfAuthOnlyUser_AnyUserPathSpelling_NoTokenWithoutCode(string pathFormat, HttpStatusCode expected)
    {
        var gateway = await GatewayAsync();
        var bob = await gateway.EnrolAsync(await registry.CreateUserAsync("bob"), mode: "auth-only");
        var body = new JsonObject { ["_id"] = "org.couchdb.user:" + bob.Name, ["name"] = bob.Name, ["password"] = bob.Password, ["type"] = "user", ["roles"] = new JsonArray() };

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Put, string.Format(pathFormat, bob.Name), GatewayHttp.Basic(bob.Name, bob.Password), body.ToJsonString(), "application/json");

        Assert.Equal(expected, answer.Status);
        Assert.Null(answer.Json?["token"]);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("otp", answer.Header("WWW-Authenticate"));
        }
    }

    [Fact]
    public async Task LoginAsSomeoneElse_PathNobodyBodyAliceHiddenInUtf7_NoToken()
    {
        var gateway = await GatewayAsync();
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("alice"));
        var body = Utf7Smuggling.Body(
            new JsonObject { ["_id"] = "org.couchdb.user:nobody", ["type"] = "user" },
            "date", "2026-11-27",
            new JsonObject { ["name"] = alice.Name, ["password"] = alice.Password });

        var basic = GatewayHttp.Basic(alice.Name, alice.Password);

        var hidden = await gateway.Http.SendRawAsync(HttpMethod.Put, "-/user/org.couchdb.user:nobody/-rev/undefined", basic, body, "application/json; charset=utf-7");
        var plain = await gateway.Http.SendRawAsync(HttpMethod.Put, "-/user/org.couchdb.user:nobody/-rev/undefined", basic,
            new JsonObject { ["name"] = alice.Name, ["password"] = alice.Password }.ToJsonString(), "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, hidden.Status);
        Assert.Null(hidden.Json?["token"]);
        Assert.Equal(HttpStatusCode.BadRequest, plain.Status);
        Assert.Null(plain.Json?["token"]);
    }

    [Fact]
    public async Task RegistryUiLogin_TwoFactorUser_NoToken_PointedAtTheGateway()
    {
        var gateway = await GatewayAsync();
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("alice"), mode: "auth-only");
        var login = new JsonObject { ["username"] = alice.Name, ["password"] = alice.Password }.ToJsonString();

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Post, "-/verdaccio/sec/login", null, login, "application/json");
        var form = await gateway.Http.SendRawAsync(HttpMethod.Post, "-/verdaccio/sec/login", null, $"username={alice.Name}&password={alice.Password}", "application/x-www-form-urlencoded");
        var wrongPassword = await gateway.Http.SendRawAsync(HttpMethod.Post, "-/verdaccio/sec/login", null,
            new JsonObject { ["username"] = alice.Name, ["password"] = "guess" }.ToJsonString(), "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Null(answer.Json?["token"]);
        Assert.Contains("-/gateway/ under this registry's URL", answer.Json?["error"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.Status);
        Assert.Null(form.Json?["token"]);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.Status);
        // The registry's own words for a wrong password (LoginProbingTests compares them with an account without 2FA).
        Assert.Equal("bad username/password, access denied", wrongPassword.Json?["error"]?.GetValue<string>());
    }

    [Fact]
    public async Task RegistryUiLogin_UserWithout2fa_StillWorks()
    {
        var gateway = await GatewayAsync();
        var carol = await registry.CreateUserAsync("carol");

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Post, "-/verdaccio/sec/login", null,
            new JsonObject { ["username"] = carol.Name, ["password"] = carol.Password }.ToJsonString(), "application/json");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.NotNull(answer.Json?["token"]);
    }

    [Fact]
    public async Task ProtectedRequest_CredentialTheRegistryRefuses_Refused401_NotForwarded()
    {
        var gateway = await GatewayAsync();
        var name = RegistryFixture.UniquePackageName("refused");

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Put, name, "Bearer not-a-token-the-registry-knows",
            PublishDocuments.Create(name, "1.0.0").ToJsonString(), "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Null(answer.Header("WWW-Authenticate"));
        Assert.Contains("does not accept these credentials", answer.Json?["error"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await registry.Verdaccio.GetPackumentAsync(name));
    }

    [Fact]
    public async Task UsernameThatWouldNameAnotherRecordsKey_Refused400()
    {
        var gateway = await GatewayAsync();
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("alice"));
        var body = new JsonObject { ["name"] = alice.Name + ":recovery", ["password"] = alice.Password }.ToJsonString();

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Put, $"-/user/org.couchdb.user:{alice.Name}:recovery", null, body, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("not one the 2FA gateway can protect", answer.Json?["error"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseInsensitiveRegistry_OtherSpellingOfATwoFactorUser_IsTheSameRecord()
    {
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway__CaseInsensitiveUsernames"] = "true" });
        var user = await registry.CreateUserAsync("casey");
        var enrolled = await gateway.EnrolAsync(user);
        var shouted = enrolled.Name.ToUpperInvariant();
        var body = new JsonObject { ["name"] = shouted, ["password"] = enrolled.Password }.ToJsonString();

        var answer = await gateway.Http.SendRawAsync(HttpMethod.Put, $"-/user/org.couchdb.user:{shouted}", null, body, "application/json");

        // Without folding, CASEY would have an empty 2FA record of its own and be forwarded: a new account, or on
        // a case-insensitive registry (LDAP) casey's token, without a code.
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("otp", answer.Header("WWW-Authenticate"));
        Assert.Null(answer.Json?["token"]);
    }

    /// <summary>The smuggled members: a complete publish of <paramref name="version"/>.</summary>
    private static JsonObject HiddenPublish(string name, string version)
    {
        var publish = PublishDocuments.Create(name, version);
        publish.Remove("_id");
        return publish;
    }

    private async Task<string> PublishVictimAsync(GatewayProcess gateway, TwoFactorUser owner)
    {
        var name = RegistryFixture.UniquePackageName("victim");
        var publish = await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), owner.Token, await Totp.CodeAsync(owner.Secret), PublishDocuments.Create(name, "1.0.0"));
        Assert.True(publish.Status == HttpStatusCode.Created, publish.ToString());
        return name;
    }

    private Task<GatewayProcess> GatewayAsync() => classGateway.GetAsync(() => registry.StartGatewayAsync());
}
