using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.TwoFactor;
using StackExchange.Redis;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Password guessing (docs/SECURITY.md, "Password guessing", "No probing"): a stranger on another loopback address
/// guesses the owner's password on every password surface while the owner, on 127.0.0.1, signs in with the password and
/// a code. Each test's stranger has an address of its own, so their back-offs do not meet.
/// </summary>
public sealed partial class PasswordGuessingHostTests(PasswordGuessingHostTests.Host host) : IClassFixture<PasswordGuessingHostTests.Host>
{
    private static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(300);

    /// <summary>A gateway with a short back-off start (4 wrong passwords) and a small audit trail (100 events).</summary>
    public sealed class Host : GatewayHost
    {
        protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string>
        {
            ["Gateway:SignIn:AddressFreeFailures"] = "4",
            ["Gateway:SignIn:AddressFirstLockout"] = "00:00:30",
            ["Gateway:SignIn:WrongPasswordFloor"] = "00:00:00.300",
            ["Gateway:SignIn:WrongPasswordJitter"] = "00:00:00.050",
            ["Gateway:Operations:AuditRetention"] = "100",
        };
    }

    [Fact]
    public async Task SignIn_StrangerGuessesOwnersPassword_StrangerBacksOff429_OwnerFromAnotherAddressSignsInWithPasswordAndCode()
    {
        var key = await host.EnrolAsync("olive");
        using var stranger = host.NewBrowser(IPAddress.Parse("127.0.0.2"));

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await SignInAsync(stranger, "olive", "guess-" + i));
        }

        using var owner = host.NewBrowser(IPAddress.Loopback);
        using var password = await SignInAsync(owner, "olive", "olive-password");
        var secondFactor = await password.Content.ReadAsStringAsync();
        using var code = await PostFormAsync(owner, SecondFactorAction().Match(secondFactor).Groups[1].Value, secondFactor,
            new() { ["code"] = TotpCodes.Compute(key, DateTimeOffset.UtcNow) });
        using var account = await owner.GetAsync("/-/gateway/account/");

        Assert.All(answers.Take(4), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.All(answers.Skip(4), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        Assert.InRange(int.Parse(answers[^1].Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 30);
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Empty(await Keys("gw:user:{olive}:failures*"));
        answers.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task WebLogin_StrangersFlowDiesAfterThreeGuesses_OwnersLoginFromAnotherAddressCompletes()
    {
        var key = await host.EnrolAsync("wendy");
        using var stranger = host.NewBrowser(IPAddress.Parse("127.0.0.3"));
        var (strangerPage, strangerDone) = await StartWebLoginAsync(stranger);
        var strangerForm = await stranger.GetStringAsync(strangerPage);

        var guesses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            guesses.Add(await PostFormAsync(stranger, strangerPage, strangerForm, new() { ["username"] = "wendy", ["password"] = "guess-" + i }));
        }

        using var rightPasswordTooLate = await PostFormAsync(stranger, strangerPage, strangerForm, new() { ["username"] = "wendy", ["password"] = "wendy-password" });
        using var strangerPoll = await stranger.GetAsync(strangerDone);

        using var owner = host.NewBrowser(IPAddress.Loopback);
        var (ownerPage, ownerDone) = await StartWebLoginAsync(owner);
        using var password = await LoginAsync(owner, ownerPage, "wendy", "wendy-password");
        var secondFactor = await password.Content.ReadAsStringAsync();
        using var code = await PostFormAsync(owner, SecondFactorAction().Match(secondFactor).Groups[1].Value, secondFactor,
            new() { ["code"] = TotpCodes.Compute(key, DateTimeOffset.UtcNow) });
        using var ownerPoll = await owner.GetAsync(ownerDone);

        Assert.All(guesses, g => Assert.Equal(HttpStatusCode.Unauthorized, g.StatusCode));
        Assert.Contains("too many times for this login", await guesses[^1].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, rightPasswordTooLate.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, strangerPoll.StatusCode);
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        Assert.Contains("logged-in", await code.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ownerPoll.StatusCode);
        Assert.Equal("wendy-token", JsonDocument.Parse(await ownerPoll.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString());
        guesses.ForEach(g => g.Dispose());
    }

    [Fact]
    public async Task SignIn_WrongPassword_SameStatusAndBodyForTwoFactorWithoutTwoFactorAndUnknownNames_NoPerUserKeyForTheOthers()
    {
        await host.EnrolAsync("tess");
        using var stranger = host.NewBrowser(IPAddress.Parse("127.0.0.4"));

        using var twoFactor = await SignInAsync(stranger, "tess", "wrong-password");
        using var withoutTwoFactor = await SignInAsync(stranger, "hank", "wrong-password");
        using var unknown = await SignInAsync(stranger, "made-up-" + Guid.NewGuid().ToString("N")[..8], "wrong-password");

        var bodies = new[] { twoFactor, withoutTwoFactor, unknown }.Select(r => Normalised(r)).ToList();
        Assert.All(new[] { twoFactor, withoutTwoFactor, unknown }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(bodies[0], bodies[1]);
        Assert.Equal(bodies[0], bodies[2]);
        Assert.Empty(await Keys("gw:user:{hank}*"));
        Assert.Empty(await Keys("gw:user:{made-up-*"));
        Assert.Contains("gw:user:{tess}:audit", await Keys("gw:user:{tess}*"));
        await using var store = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{host.Redis.Port}");
        var ttl = await store.GetDatabase().KeyTimeToLiveAsync("gw:user:{tess}:audit");
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(399), TimeSpan.FromDays(400));
    }

    [Fact]
    public async Task WrongPassword_UnknownName_IsAnsweredNoSoonerThanTheFloor_OnThePageAndOnACouchLogin()
    {
        using var stranger = host.NewBrowser(IPAddress.Parse("127.0.0.5"));
        var form = await stranger.GetStringAsync("/-/gateway/sign-in");

        var page = Stopwatch.StartNew();
        using var pageAnswer = await PostFormAsync(stranger, "/-/gateway/sign-in", form, new() { ["username"] = "nobody-" + Guid.NewGuid().ToString("N")[..8], ["password"] = "x" });
        page.Stop();
        var couch = Stopwatch.StartNew();
        using var couchAnswer = await stranger.SendAsync(CouchLogin("nobody", "wrong-password"));
        couch.Stop();

        Assert.Equal(HttpStatusCode.Unauthorized, pageAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, couchAnswer.StatusCode);
        Assert.True(page.Elapsed >= Floor, $"the page answered after {page.Elapsed.TotalMilliseconds} ms");
        Assert.True(couch.Elapsed >= Floor, $"the couch login answered after {couch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task CouchLogin_StrangerGuesses_429WithRetryAfterBeforeTheRegistry_OwnersLoginFromAnotherAddressForwarded()
    {
        using var stranger = host.NewBrowser(IPAddress.Parse("127.0.0.7"));
        var before = host.Registry.Requests.Count(r => r.RawTarget.Contains("org.couchdb.user:nina", StringComparison.Ordinal));

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 7; i++)
        {
            answers.Add(await stranger.SendAsync(CouchLogin("nina", "guess-" + i)));
        }

        var reachedRegistry = host.Registry.Requests.Count(r => r.RawTarget.Contains("org.couchdb.user:nina", StringComparison.Ordinal)) - before;
        using var owner = host.NewBrowser(IPAddress.Loopback);
        using var login = await owner.SendAsync(CouchLogin("nina", "nina-password"));

        Assert.All(answers.Take(4), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.All(answers.Skip(4), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        Assert.True(answers[^1].Headers.Contains("Retry-After"));
        Assert.Equal(4, reachedRegistry);
        Assert.Equal(HttpStatusCode.Created, login.StatusCode);
        answers.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task AnonymousRefusalFlood_OwnersEventsSurviveInTheSharedTrail()
    {
        await host.EnrolAsync("ursula");
        var ownersEvents = (await Trail()).Count(e => e.Contains("\"user\":\"ursula\"", StringComparison.Ordinal));

        // 3 addresses × 60 wrong passwords: unsampled, 180 refusals would push every older event out of a 100-event trail.
        await Task.WhenAll(Enumerable.Range(20, 3).Select(async last =>
        {
            using var stranger = host.NewBrowser(IPAddress.Parse("127.0.0." + last));
            var form = await stranger.GetStringAsync("/-/gateway/sign-in");
            for (var i = 0; i < 60; i++)
            {
                using var _ = await PostFormAsync(stranger, "/-/gateway/sign-in", form, new() { ["username"] = i % 2 == 0 ? "ursula" : "made-up-" + i, ["password"] = "guess" });
            }
        }));

        var trail = await Trail();
        Assert.True(ownersEvents >= 2, string.Join("\n", trail));
        Assert.Equal(ownersEvents, trail.Count(e => e.Contains("\"user\":\"ursula\"", StringComparison.Ordinal) && !e.Contains("sign-in-refused", StringComparison.Ordinal)));
        // At most the 1st, 2nd and 4th wrong password of each address (the rest were 429 before any check).
        var refusals = trail.Count(e => e.Contains("sign-in-refused", StringComparison.Ordinal) && FloodAddress().IsMatch(e));
        Assert.InRange(refusals, 3, 9);
        Assert.Empty(await Keys("gw:user:{made-up-*"));
    }

    private async Task<IReadOnlyList<string>> Trail()
    {
        await using var store = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{host.Redis.Port}");
        return [.. (await store.GetDatabase().ListRangeAsync("gw:audit")).Select(v => v.ToString())];
    }

    /// <summary>Every key matching <paramref name="pattern"/>, by a full scan of the store.</summary>
    private async Task<IReadOnlyList<string>> Keys(string pattern)
    {
        await using var store = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{host.Redis.Port}");
        var keys = new List<string>();
        await foreach (var key in store.GetServers()[0].KeysAsync(pattern: pattern))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    private static HttpRequestMessage CouchLogin(string name, string password) =>
        new(HttpMethod.Put, "/-/user/org.couchdb.user:" + name)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { _id = "org.couchdb.user:" + name, name, password, type = "user", roles = Array.Empty<string>() }),
                Encoding.UTF8, "application/json"),
        };

    private static async Task<(string Page, string Done)> StartWebLoginAsync(HttpClient browser)
    {
        using var start = await browser.PostAsync("/-/v1/login", new StringContent("{}", Encoding.UTF8, "application/json"));
        var urls = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement;
        return (new Uri(urls.GetProperty("loginUrl").GetString()!).AbsolutePath, new Uri(urls.GetProperty("doneUrl").GetString()!).AbsolutePath);
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient browser, string page, string user, string password) =>
        await PostFormAsync(browser, page, await browser.GetStringAsync(page), new() { ["username"] = user, ["password"] = password });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string user, string password) =>
        await PostFormAsync(browser, "/-/gateway/sign-in", await browser.GetStringAsync("/-/gateway/sign-in"), new() { ["username"] = user, ["password"] = password });

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string action, string page, Dictionary<string, string> fields)
    {
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token);
        return browser.PostAsync(WebUtility.HtmlDecode(action), new FormUrlEncodedContent(fields));
    }

    /// <summary>The page without its per-response antiforgery token.</summary>
    private static string Normalised(HttpResponseMessage response) =>
        AntiforgeryField().Replace(response.Content.ReadAsStringAsync().GetAwaiter().GetResult(), "token");

    [GeneratedRegex("\"client\":\"127\\.0\\.0\\.2[0-2]\"")]
    private static partial Regex FloodAddress();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\" id=\"(?:second-factor|login-second-factor)\"")]
    private static partial Regex SecondFactorAction();
}
