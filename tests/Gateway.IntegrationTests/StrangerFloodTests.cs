using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// The "stranger flood" of issue 19 (docs/BENCHMARKS.md, "Stranger flood"): one address (127.0.0.2) sends every
/// protected family anonymously and with junk credentials, huge tokens, big forms, half-sent bodies and idle
/// connections, while enrolled owners on 127.0.0.1 publish, add dist-tags and create tokens with valid codes. The
/// owners' success rate must be 100 % (no 503, no 429), and the gateway's RSS must return to within 64 MB of its idle
/// value afterwards. A dedicated Verdaccio keeps its own rate limit (1000 per 15 min per address on login, profile and
/// token routes), as a real registry does.
/// <para>
/// Not part of CI: it runs only with <c>STRANGER_FLOOD=1</c> (<c>scripts/stranger-flood.sh</c>); sizes from
/// <c>FLOOD_SECONDS</c>, <c>FLOOD_OWNERS</c>, <c>FLOOD_IDLE</c>, <c>FLOOD_HALF</c>, <c>FLOOD_STORE</c>
/// (<c>embedded</c> or <c>redis</c>), report to <c>FLOOD_REPORT</c>.
/// </para>
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class StrangerFloodTests(ITestOutputHelper output)
{
    private const long RssMargin = 64L * 1024 * 1024;

    private static readonly Random Dice = new(19);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static int Seconds => Setting("FLOOD_SECONDS", 60);

    private static int Owners => Setting("FLOOD_OWNERS", 3);

    private static int Idle => Setting("FLOOD_IDLE", 2000);

    private static int HalfSent => Setting("FLOOD_HALF", 500);

    [StrangerFloodFact]
    public async Task StrangerFlood_OwnersAllSucceed_RssReturnsNearIdle()
    {
        await using var verdaccio = await VerdaccioProcess.StartAsync(userRateLimit: 1000, rateWindowMs: 900_000) /* Verdaccio's own default */;
        await using var redis = Environment.GetEnvironmentVariable("FLOOD_STORE") == "redis" ? await RedisServerProcess.StartAsync() : null;
        await using var gateway = await GatewayProcess.StartAsync(verdaccio.Url, redis?.ConnectionString ?? "embedded");
        var owners = new List<Owner>();
        for (var i = 0; i < Owners; i++)
        {
            var user = await gateway.EnrolAsync(await verdaccio.CreateUserAsync($"owner{i}-{Guid.NewGuid():N}"[..16], "pw-" + Guid.NewGuid().ToString("N")));
            var package = "flood-" + Guid.NewGuid().ToString("N")[..10];
            var first = await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(package), user.Token, await Totp.CodeAsync(user.Secret), PublishDocuments.Create(package, "1.0.0"));
            Assert.True(first.Status is HttpStatusCode.OK or HttpStatusCode.Created, first.ToString());
            owners.Add(new Owner(user, package));
        }

        var gatewayUri = new Uri(gateway.Url);
        using var stranger = StrangerConnections.ClientFrom(StrangerConnections.Stranger, gateway.Url);
        var strangers = new ConcurrentDictionary<string, ConcurrentDictionary<int, int>>();
        var results = new ConcurrentQueue<(string Kind, HttpStatusCode Status, string Body)>();

        // Warm-up: every kind once, so the idle figure includes what any first request loads (JIT, pools, caches).
        using (var warm = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await OwnerRoundAsync(gateway, owners[0], 0, new ConcurrentQueue<(string, HttpStatusCode, string)>());
            await AnonymousFamiliesAsync(stranger, owners, strangers, 1, warm.Token);
        }

        var pid = gateway.ProcessId ?? throw new InvalidOperationException("The gateway is not running.");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idle = ProcessMemory.Rss(pid);
        await using var memory = ProcessMemory.Watch(pid);
        strangers.Clear();

        using var flood = new CancellationTokenSource(TimeSpan.FromSeconds(Seconds));
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>
        {
            AnonymousFamiliesAsync(stranger, owners, strangers, int.MaxValue, flood.Token),
            AnonymousFamiliesAsync(stranger, owners, strangers, int.MaxValue, flood.Token),
            AnonymousFamiliesAsync(stranger, owners, strangers, int.MaxValue, flood.Token),
            AnonymousFamiliesAsync(stranger, owners, strangers, int.MaxValue, flood.Token),
            HugeTokensAsync(stranger, strangers, flood.Token),
            HugeTokensAsync(stranger, strangers, flood.Token),
            BigFormsAsync(gatewayUri, strangers, flood.Token),
            BigFormsAsync(gatewayUri, strangers, flood.Token),
        };
        tasks.AddRange(Enumerable.Range(0, Idle).Select(_ => HoldIdleAsync(gatewayUri, strangers, flood.Token)));
        tasks.AddRange(Enumerable.Range(0, HalfSent).Select(_ => HalfSendAsync(gatewayUri, owners[0].Package, strangers, flood.Token)));
        tasks.AddRange(owners.Select(owner => Task.Run(async () =>
        {
            for (var round = 1; !flood.IsCancellationRequested; round++)
            {
                await OwnerRoundAsync(gateway, owner, round, results);
            }
        })));
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        var peak = memory.PeakBytes;
        var alive = gateway.IsRunning;
        var after = alive ? await memory.SettleAsync(idle + RssMargin, TimeSpan.FromSeconds(Setting("FLOOD_SETTLE", 90))) : 0;

        var failures = results.Where(r => r.Status is not (HttpStatusCode.OK or HttpStatusCode.Created)).ToList();
        var report = string.Join("\n",
        [
            $"stranger flood: {elapsed.TotalSeconds:F0} s, store {(redis is null ? "embedded" : "redis-server")}, {Owners} owners on 127.0.0.1, stranger on 127.0.0.2 "
                + $"({Idle} idle connections, {HalfSent} half-sent 64 KiB bodies, 4 anonymous/junk workers, 2 huge-token workers, 2 big-form workers)",
            $"owners: {results.Count} requests, {results.Count - failures.Count} succeeded ({100.0 * (results.Count - failures.Count) / Math.Max(1, results.Count):F1} %), "
                + $"503: {results.Count(r => r.Status == HttpStatusCode.ServiceUnavailable)}, 429: {results.Count(r => (int)r.Status == 429)}",
            .. results.GroupBy(r => r.Kind).OrderBy(g => g.Key).Select(g =>
                $"  {g.Key}: {g.Count()}, by status: {string.Join(", ", g.GroupBy(r => (int)r.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}"))}"),
            .. failures.DistinctBy(f => (f.Kind, f.Status)).Take(12).Select(f => $"  failed {f.Kind} {(int)f.Status}: {Short(f.Body)}"),
            "stranger's answers (0: closed without an answer, -1: could not connect):",
            .. strangers.OrderBy(s => s.Key).Select(s => $"  {s.Key}: {string.Join(", ", s.Value.OrderBy(c => c.Key).Select(c => $"{c.Key}×{c.Value}"))}"),
            $"gateway RSS: idle {ProcessMemory.Mb(idle)}, peak {ProcessMemory.Mb(peak)}, after {ProcessMemory.Mb(after)} (+{ProcessMemory.Mb(after - idle)}; limit +64 MB); "
                + (alive ? "still running" : "EXITED"),
            "gateway warnings and errors (category, first line of the message):",
            .. Problems(gateway.Output.Lines).Take(15).Select(p => $"  {p.Count}× {p.Key}"),
        ]);
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("FLOOD_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report + "\n");
        }

        Assert.True(alive, report);
        Assert.True(failures.Count == 0, report);
        Assert.True(after - idle <= RssMargin, report);
    }

    /// <summary>One round of each owner's commands, each with a valid code: publish a new version, add a dist-tag, create a token.</summary>
    private static async Task OwnerRoundAsync(GatewayProcess gateway, Owner owner, int round, ConcurrentQueue<(string, HttpStatusCode, string)> results)
    {
        var version = $"1.{round}.{Environment.TickCount64 % 100000}";
        await RecordAsync(results, "publish", async () => await gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(owner.Package), owner.User.Token,
            await Totp.CodeAsync(owner.User.Secret), PublishDocuments.Create(owner.Package, version, "next")));
        await RecordAsync(results, "dist-tag", async () => await gateway.PutDistTagAsync(owner.User.Token, owner.Package, "flood", version, await Totp.CodeAsync(owner.User.Secret)));
        await RecordAsync(results, "token-create", async () => await gateway.CreateTokenAsync(owner.User.User, await Totp.CodeAsync(owner.User.Secret)));
    }

    private static async Task RecordAsync(ConcurrentQueue<(string, HttpStatusCode, string)> results, string kind, Func<Task<HttpAnswer>> send)
    {
        try
        {
            var answer = await send();
            results.Enqueue((kind, answer.Status, answer.Body));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            results.Enqueue((kind, 0, e.GetType().Name + ": " + e.Message));
        }
    }

    /// <summary>Every protected family, anonymously and with junk credentials (none of them real), as fast as answered.</summary>
    private static async Task AnonymousFamiliesAsync(
        HttpClient stranger, IReadOnlyList<Owner> owners, ConcurrentDictionary<string, ConcurrentDictionary<int, int>> tally, int rounds, CancellationToken cancellation)
    {
        for (var round = 0; round < rounds && !cancellation.IsCancellationRequested; round++)
        {
            var owner = owners[round % owners.Count];
            var credentials = new (string Name, string? Value)[]
            {
                ("anonymous", null),
                ("junk-bearer", "Bearer " + Guid.NewGuid().ToString("N")),
                ("junk-basic", GatewayHttp.Basic(owner.User.Name, "wrong-" + round)),
                ("malformed-bearer", "Bearer a b"),
            };
            foreach (var (family, method, path, body) in Families(owner))
            {
                foreach (var (name, authorization) in credentials)
                {
                    await SendAsync(stranger, tally, $"{family} ({name})", method, path, authorization, body, cancellation);
                }
            }
        }
    }

    private static IEnumerable<(string Family, HttpMethod Method, string Path, string? Body)> Families(Owner owner)
    {
        var package = owner.Package;
        var user = owner.User.Name;
        yield return ("publish", HttpMethod.Put, package, PublishDocuments.Create(package, "9.9." + Dice.Next(100000)).ToJsonString());
        yield return ("unpublish", HttpMethod.Delete, $"{package}/-rev/1-0", null);
        yield return ("deprecate", HttpMethod.Put, $"{package}/-rev/1-0", "{\"_id\":\"" + package + "\",\"name\":\"" + package + "\",\"versions\":{}}");
        yield return ("dist-tag", HttpMethod.Put, $"-/package/{package}/dist-tags/evil", "\"1.0.0\"");
        yield return ("dist-tag-rm", HttpMethod.Delete, $"-/package/{package}/dist-tags/flood", null);
        yield return ("access", HttpMethod.Post, $"-/package/{package}/access", """{"publish_requires_tfa":false}""");
        yield return ("collaborators", HttpMethod.Put, $"-/package/{package}/collaborators", """{"username":"mallory","permissions":"read-write"}""");
        yield return ("team", HttpMethod.Put, "-/team/acme/devs/user", """{"user":"mallory"}""");
        yield return ("org", HttpMethod.Put, "-/org/acme/user", """{"user":"mallory","role":"owner"}""");
        yield return ("token-create", HttpMethod.Post, "-/npm/v1/tokens", """{"password":"guess","readonly":false,"cidr_whitelist":[]}""");
        yield return ("token-delete", HttpMethod.Delete, "-/npm/v1/tokens/token/abcdef", null);
        yield return ("profile", HttpMethod.Post, "-/npm/v1/user", """{"tfa":{"mode":"disable","password":"guess"}}""");
        yield return ("couch-login", HttpMethod.Put, $"-/user/org.couchdb.user:{user}", $$"""{"_id":"org.couchdb.user:{{user}}","name":"{{user}}","password":"guess","type":"user","roles":[],"date":"2026-12-07T00:00:00.000Z"}""");
        yield return ("web-login", HttpMethod.Post, "-/v1/login", "{}");
        yield return ("logout", HttpMethod.Delete, "-/user/token/abcdef", null);
        yield return ("oidc-exchange", HttpMethod.Post, $"-/npm/v1/oidc/token/exchange/package/{package}", null);
        yield return ("hook", HttpMethod.Post, "-/npm/v1/hooks/hook", """{"type":"package","name":"x","endpoint":"http://evil","secret":"s"}""");
        yield return ("side-door", HttpMethod.Post, "-/verdaccio/sec/login", $$"""{"username":"{{user}}","password":"guess"}""");
        yield return ("star", HttpMethod.Put, package, "{\"_id\":\"" + package + "\",\"users\":{\"mallory\":true}}");
    }

    /// <summary>A different 32,000-character bearer on every request (issue 19, item 8), on a read and on protected routes.</summary>
    private static async Task HugeTokensAsync(HttpClient stranger, ConcurrentDictionary<string, ConcurrentDictionary<int, int>> tally, CancellationToken cancellation)
    {
        var padding = new string('h', 31_968);
        for (var n = 0; !cancellation.IsCancellationRequested; n++)
        {
            var authorization = "Bearer " + padding + Guid.NewGuid().ToString("N");
            var (path, method) = (n % 3) switch { 0 => ("-/ping", HttpMethod.Get), 1 => ("-/whoami", HttpMethod.Get), _ => ("-/npm/v1/tokens", HttpMethod.Post) };
            await SendAsync(stranger, tally, "huge-token " + path, method, path, authorization, method == HttpMethod.Post ? "{}" : null, cancellation);
        }
    }

    /// <summary>29 MB sign-in forms with the page's antiforgery token (issue 19, item 10), declared up front; every fourth one chunked.</summary>
    private static async Task BigFormsAsync(Uri gateway, ConcurrentDictionary<string, ConcurrentDictionary<int, int>> tally, CancellationToken cancellation)
    {
        using var client = StrangerConnections.ClientFrom(StrangerConnections.Stranger, gateway.ToString(), 4);
        var (cookie, token) = await StrangerConnections.SignInFormTokensAsync(client);
        var form = StrangerConnections.BigSignInForm(token, 29);
        for (var n = 0; !cancellation.IsCancellationRequested; n++)
        {
            using var content = n % 4 == 3 ? (HttpContent)new StreamContent(new MemoryStream(form)) : new ByteArrayContent(form);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
            using var request = new HttpRequestMessage(HttpMethod.Post, "-/gateway/sign-in") { Content = content };
            request.Headers.TransferEncodingChunked = n % 4 == 3;
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
            var kind = n % 4 == 3 ? "big-form (chunked)" : "big-form";
            try
            {
                using var response = await client.SendAsync(request, cancellation);
                Count(tally, kind, (int)response.StatusCode);
            }
            catch (HttpRequestException)
            {
                Count(tally, kind, 0); // the gateway answered and closed before the 29 MB were sent
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>A connection that sends half a request line and waits; reconnects whenever the gateway closes it.</summary>
    private static async Task HoldIdleAsync(Uri gateway, ConcurrentDictionary<string, ConcurrentDictionary<int, int>> tally, CancellationToken cancellation)
    {
        await Task.Delay(Dice.Next(2000), CancellationToken.None);
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                Count(tally, "idle connection", await StrangerConnections.SendPartlyAsync(StrangerConnections.Stranger, gateway, "GET /-/ping HTTP/1.1\r\n", cancellation));
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await Task.Delay(500, CancellationToken.None);
        }
    }

    /// <summary>65,535 of 65,536 declared bytes of a publish (issue 19, item 10), again whenever answered.</summary>
    private static async Task HalfSendAsync(Uri gateway, string package, ConcurrentDictionary<string, ConcurrentDictionary<int, int>> tally, CancellationToken cancellation)
    {
        var partial = StrangerConnections.HalfSentPublish(gateway, package, 65_536);
        await Task.Delay(Dice.Next(2000), CancellationToken.None);
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                Count(tally, "half-sent body", await StrangerConnections.SendPartlyAsync(StrangerConnections.Stranger, gateway, partial, cancellation));
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await Task.Delay(500, CancellationToken.None);
        }
    }

    private static async Task SendAsync(
        HttpClient client, ConcurrentDictionary<string, ConcurrentDictionary<int, int>> tally, string kind, HttpMethod method, string path, string? authorization, string? body,
        CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await client.SendAsync(request, cancellation);
            Count(tally, kind, (int)response.StatusCode);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Count(tally, kind, 0);
        }
    }

    private static void Count(ConcurrentDictionary<string, ConcurrentDictionary<int, int>> tally, string kind, int status) =>
        tally.GetOrAdd(kind, _ => new ConcurrentDictionary<int, int>()).AddOrUpdate(status, 1, (_, n) => n + 1);

    /// <summary>Warnings and errors the gateway logged, grouped by category and the start of the message.</summary>
    private static IEnumerable<(string Key, int Count)> Problems(IReadOnlyList<string> lines) =>
        lines.Select((line, i) => (line, i))
            .Where(l => l.line.StartsWith("warn: ", StringComparison.Ordinal) || l.line.StartsWith("fail: ", StringComparison.Ordinal) || l.line.StartsWith("crit: ", StringComparison.Ordinal))
            .Select(l => l.line + " " + (l.i + 1 < lines.Count ? Short(lines[l.i + 1].Trim())[..Math.Min(90, Short(lines[l.i + 1].Trim()).Length)] : ""))
            .GroupBy(key => key).Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2);

    private static string Short(string text) => text.Length <= 160 ? text.ReplaceLineEndings(" ") : text[..160].ReplaceLineEndings(" ") + "…";

    private sealed record Owner(TwoFactorUser User, string Package);
}

/// <summary>Runs only with <c>STRANGER_FLOOD=1</c> (<c>scripts/stranger-flood.sh</c>): minutes of load, not for CI.</summary>
public sealed class StrangerFloodFactAttribute : FactAttribute
{
    public StrangerFloodFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("STRANGER_FLOOD") is not { Length: > 0 })
        {
            Skip = "a long measurement: set STRANGER_FLOOD=1 (scripts/stranger-flood.sh)";
        }
    }
}
