using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// No probing (docs/SECURITY.md, "No probing"): a wrong password on a login is answered the same — status,
/// <c>WWW-Authenticate</c>, body bytes — for an account with 2FA (the gateway answers, never forwarding it) and one
/// without (Verdaccio 6.8 answers, forwarded), on each request of npm's couch login and on Verdaccio's web-UI login.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class LoginProbingTests(RegistryFixture registry, ClassGateway classGateway, ITestOutputHelper output) : IClassFixture<ClassGateway>
{
    [Fact]
    public async Task WrongPassword_CouchLoginBothRequestsAndUiLogin_SameAnswerWithAndWithout2fa_NoToken()
    {
        var gateway = await GatewayAsync();
        var withTwoFactor = await gateway.EnrolAsync(await registry.CreateUserAsync("probe2fa"));
        var without = await registry.CreateUserAsync("probeplain");

        foreach (var (what, send) in Requests())
        {
            var twoFactorAnswer = await send(gateway, withTwoFactor.Name);
            var plainAnswer = await send(gateway, without.Name);
            output.WriteLine($"{what}\n2FA: {twoFactorAnswer}\nwithout: {plainAnswer}");

            Assert.Equal(plainAnswer.Status, twoFactorAnswer.Status);
            Assert.Equal(plainAnswer.Body, twoFactorAnswer.Body);
            // Every header but the date: the registry's incidental ones (ETag, rate-limit counters…) are dropped from a login's refusal.
            Assert.Equal(Without(plainAnswer.Headers, "Date"), Without(twoFactorAnswer.Headers, "Date"));
            Assert.True(plainAnswer.Status is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, plainAnswer.ToString());
            Assert.DoesNotContain("token", twoFactorAnswer.Body, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<(string What, Func<GatewayProcess, string, Task<HttpAnswer>> Send)> Requests()
    {
        // npm's first request: no Authorization (docs/PROTOCOL.md#51-the-three-requests).
        yield return ("couch login, first request", (gateway, name) =>
            gateway.Http.SendRawAsync(HttpMethod.Put, $"-/user/org.couchdb.user:{name}", null, CouchBody(name, "wrong-password"), "application/json"));
        // Its third: Basic with the same (wrong) password, on the revision path.
        yield return ("couch login, third request", (gateway, name) =>
            gateway.Http.SendRawAsync(HttpMethod.Put, $"-/user/org.couchdb.user:{name}/-rev/undefined", Basic(name, "wrong-password"),
                CouchBody(name, "wrong-password"), "application/json"));
        // A password Verdaccio's rule refuses before looking the user up.
        yield return ("couch login, short password", (gateway, name) =>
            gateway.Http.SendRawAsync(HttpMethod.Put, $"-/user/org.couchdb.user:{name}", null, CouchBody(name, "ab"), "application/json"));
        yield return ("Verdaccio's web-UI login", (gateway, name) =>
            gateway.Http.SendRawAsync(HttpMethod.Post, "-/verdaccio/sec/login", null,
                new JsonObject { ["username"] = name, ["password"] = "wrong-password" }.ToJsonString(), "application/json"));
    }

    private static string CouchBody(string name, string password) => new JsonObject
    {
        ["_id"] = "org.couchdb.user:" + name, ["name"] = name, ["password"] = password, ["type"] = "user", ["roles"] = new JsonArray(),
        ["date"] = DateTimeOffset.UtcNow.ToString("O"),
    }.ToJsonString();

    private static string Without(IReadOnlyDictionary<string, string> headers, string name) =>
        string.Join("\n", headers.Where(h => !h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .Select(h => h.Key + ": " + h.Value));

    private static string Basic(string name, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(name + ":" + password));

    private Task<GatewayProcess> GatewayAsync() => classGateway.GetAsync(() => registry.StartGatewayAsync());
}
