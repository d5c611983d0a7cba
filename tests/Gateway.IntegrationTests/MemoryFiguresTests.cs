using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Gateway.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// The memory figures of issue 19, items 8 and 10 (docs/BENCHMARKS.md, "Memory a stranger can hold"): the gateway's RSS
/// before, at its peak and after each of (a) 20,000 requests with distinct 32,000-character bearers, (b) 24 parallel
/// 29 MB sign-in form posts, (c) 3,000 connections each holding 65,535 of 65,536 declared bytes of a publish. Each on a
/// fresh gateway (embedded store), from 127.0.0.2. Not part of CI: runs only with <c>MEMORY_FIGURES=1</c>
/// (<c>scripts/memory-figures.sh</c>; <c>GATEWAY_DLL</c> measures another build, <c>FIGURES_ONLY=a,c</c> picks scenarios);
/// <c>FIGURES_REPORT</c> keeps the report.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class MemoryFiguresTests(RegistryFixture registry, ITestOutputHelper output)
{
    [MemoryFiguresFact]
    public async Task MemoryFigures_HugeTokens_BigForms_HalfSentBodies()
    {
        var lines = new List<string> { $"gateway: {RepoPaths.GatewayDll}" };
        lines.Add(await MeasureAsync("(a) 20,000 GET /-/ping, each with a different 32,000-character bearer, 16 at a time", async (gateway, tally) =>
        {
            using var client = StrangerConnections.ClientFrom(StrangerConnections.Stranger, gateway.Url, 16);
            var padding = new string('h', 31_968);
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) < 20_000)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "-/ping");
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + padding + Guid.NewGuid().ToString("N"));
                    await SendAsync(client, request, tally);
                }
            })));
        }));
        lines.Add(await MeasureAsync("(b) 24 parallel 29 MB POST /-/gateway/sign-in forms (Content-Length declared, with the page's antiforgery cookie and token)", async (gateway, tally) =>
        {
            using var client = StrangerConnections.ClientFrom(StrangerConnections.Stranger, gateway.Url, 24);
            var (cookie, token) = await StrangerConnections.SignInFormTokensAsync(client);
            var form = StrangerConnections.BigSignInForm(token, 29);
            await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "-/gateway/sign-in") { Content = new ByteArrayContent(form) };
                request.Headers.TryAddWithoutValidation("Cookie", cookie);
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
                await SendAsync(client, request, tally);
            })));
        }));
        lines.Add(await MeasureAsync("(c) 3,000 connections, each 65,535 of 65,536 declared bytes of PUT /<pkg>, held until answered", async (gateway, tally) =>
        {
            var uri = new Uri(gateway.Url);
            var partial = StrangerConnections.HalfSentPublish(uri, "figures-pkg", 65_536);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(int.Parse(Environment.GetEnvironmentVariable("FIGURES_HOLD_LIMIT") ?? "300", CultureInfo.InvariantCulture)));
            await Task.WhenAll(Enumerable.Range(0, 3000).Select(_ => Task.Run(async () =>
            {
                try
                {
                    Count(tally, await StrangerConnections.SendPartlyAsync(StrangerConnections.Stranger, uri, partial, limit.Token));
                }
                catch (OperationCanceledException)
                {
                    Count(tally, -2); // still held when the limit ended
                }
            })));
        }));

        var report = string.Join("\n", lines);
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("FIGURES_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report + "\n");
        }
    }

    /// <summary>One scenario on a fresh gateway: RSS when idle (after a warm-up request), at the peak, and 15 s after (or once back within 16 MB of idle, at most 60 s).</summary>
    private async Task<string> MeasureAsync(string scenario, Func<GatewayProcess, ConcurrentDictionary<int, int>, Task> run)
    {
        // FIGURES_ONLY=b,c runs only those scenarios.
        if (Environment.GetEnvironmentVariable("FIGURES_ONLY") is { Length: > 0 } only && !only.Split(',').Contains(scenario[1..2]))
        {
            return scenario + ": not run (FIGURES_ONLY)";
        }

        await using var gateway = await GatewayProcess.StartAsync(registry.Verdaccio.Url, "embedded");
        var pid = gateway.ProcessId!.Value;
        await gateway.Http.GetAsync("-/ping");
        await gateway.Http.GetAsync("-/gateway/sign-in");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var idle = ProcessMemory.Rss(pid);
        var tally = new ConcurrentDictionary<int, int>();
        await using var memory = ProcessMemory.Watch(pid);
        var clock = Stopwatch.StartNew();
        await run(gateway, tally);
        var took = clock.Elapsed;
        var peak = memory.PeakBytes;
        await Task.Delay(TimeSpan.FromSeconds(15));
        var after = await memory.SettleAsync(idle + 16 * 1024 * 1024, TimeSpan.FromSeconds(45));
        return $"{scenario}: {took.TotalSeconds:F1} s; answers {string.Join(", ", tally.OrderBy(t => t.Key).Select(t => $"{t.Key}×{t.Value}"))}; "
            + $"RSS idle {ProcessMemory.Mb(idle)}, peak {ProcessMemory.Mb(peak)} (+{ProcessMemory.Mb(peak - idle)}), after {ProcessMemory.Mb(after)} (+{ProcessMemory.Mb(after - idle)})"
            + (gateway.IsRunning ? "" : " — the gateway EXITED");
    }

    private static async Task SendAsync(HttpClient client, HttpRequestMessage request, ConcurrentDictionary<int, int> tally)
    {
        try
        {
            using var response = await client.SendAsync(request);
            Count(tally, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Count(tally, 0);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static void Count(ConcurrentDictionary<int, int> tally, int status) => tally.AddOrUpdate(status, 1, (_, n) => n + 1);
}

/// <summary>Runs only with <c>MEMORY_FIGURES=1</c> (<c>scripts/memory-figures.sh</c>): minutes of load, not for CI.</summary>
public sealed class MemoryFiguresFactAttribute : FactAttribute
{
    public MemoryFiguresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MEMORY_FIGURES") is not { Length: > 0 })
        {
            Skip = "a long measurement: set MEMORY_FIGURES=1 (scripts/memory-figures.sh)";
        }
    }
}
