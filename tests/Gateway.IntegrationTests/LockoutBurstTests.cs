using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Guesses sent all at once (one stolen token, many parallel requests) get no more answers than guesses
/// sent one by one: at most the free failures (5) are judged, everything after is 429, even the right code.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class LockoutBurstTests(RegistryFixture registry)
{
    private const int FreeFailures = 5;
    private const int Burst = 30;

    [Fact]
    public async Task ProtectedWrite_BurstOfWrongCodes_AtMostFiveJudgedThenRightCodeIs429()
    {
        var gateway = await registry.SharedGatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("burst"));
        using var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(user.Token);
        var name = RegistryFixture.UniquePackageName("burst");
        var code = await Totp.CodeAsync(user.Secret);
        var publish = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish", "--otp", code);
        Assert.True(publish.Succeeded, publish.ToString());
        var wrong = await Totp.WrongCodeAsync(user.Secret);

        var answers = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => gateway.PutDistTagAsync(user.Token, name, "beta", "1.0.0", wrong)));
        var right = await gateway.PutDistTagAsync(user.Token, name, "beta", "1.0.0", code);

        AssertAtMostFiveJudged(answers, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.Status);
    }

    [Fact]
    public async Task EnrolmentConfirmation_BurstOfWrongCodes_AtMostFiveJudgedThenRightCodeIs429()
    {
        var gateway = await registry.SharedGatewayAsync();
        var user = await registry.CreateUserAsync("burstenrol");
        var start = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", user.Token,
            body: new JsonObject { ["tfa"] = new JsonObject { ["mode"] = "auth-and-writes", ["password"] = user.Password } });
        var secret = System.Web.HttpUtility.ParseQueryString(new Uri(start.Json!["tfa"]!.GetValue<string>()).Query)["secret"]!;
        var wrong = await Totp.WrongCodeAsync(secret);

        var answers = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ =>
            gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", user.Token, body: new JsonObject { ["tfa"] = new JsonArray(wrong) })));
        var right = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", user.Token, body: new JsonObject { ["tfa"] = new JsonArray(await Totp.CodeAsync(secret)) });

        AssertAtMostFiveJudged(answers, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.Status);
        Assert.True(int.Parse(right.Header("Retry-After") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 0, right.ToString());
    }

    private static void AssertAtMostFiveJudged(HttpAnswer[] answers, HttpStatusCode wrongCode)
    {
        var summary = string.Join("\n", answers.Select(a => a.ToString()));
        Assert.True(answers.All(a => a.Status == wrongCode || a.Status == HttpStatusCode.TooManyRequests), summary);
        Assert.True(answers.Count(a => a.Status == wrongCode) <= FreeFailures, summary);
        Assert.Equal(Burst - FreeFailures, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests));
    }
}
