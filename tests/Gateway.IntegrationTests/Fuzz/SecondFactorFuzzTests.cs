using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// The gateway's one promise, fuzzed: a stolen token or password, without a valid second factor, must not
/// change the registry or yield a credential, however the request is spelled. See Fuzz/README.md.
/// </summary>
[Collection(SecondRegistryCollection.Name)]
public sealed class SecondFactorFuzzTests(RegistryFixture registry, ITestOutputHelper output)
{
    /// <summary>Wrong codes are the fuzzer's daily bread: without this the lock-out would answer 429 to everything after five.</summary>
    private static readonly Dictionary<string, string?> s_noLockout = new()
    {
        ["Gateway__Regulation__FreeFailures"] = "100000000",
        ["Gateway__Regulation__MaxFailures"] = "200000000",
    };

    /// <summary>How many variants go through the gateway under a path: every catalogue entry at least once, CI's budget kept.</summary>
    private const int PublicPathVariants = 150;

    /// <summary>
    /// The variants through a gateway at its root; then the first <see cref="PublicPathVariants"/> of them, on the same world
    /// (its users enrolled in the shared store, its packages in the registry), through a gateway under <c>/npm/</c> (docs/ARCHITECTURE.md, "The gateway under a path"): every variant's target goes under the path, so the
    /// stages must see exactly the npm path the registry acts on; reported on its own.
    /// </summary>
    [Fact]
    public async Task StolenFirstFactor_WithoutSecondFactor_ChangesNothingAndYieldsNoCredential()
    {
        var settings = FuzzSettings.FromEnvironment();
        output.WriteLine($"fuzz seed {settings.Seed}, {settings.Variants} variants (FUZZ_SEED, FUZZ_VARIANTS, FUZZ_ONLY to change)");
        await using var gateway = await registry.StartGatewayAsync(s_noLockout);
        var world = await FuzzWorldBuilder.BuildAsync(registry, gateway);
        await FuzzAsync(gateway, world, settings, probeStar: true);

        var underPath = settings with
        {
            Indices = [.. settings.Indices.Take(PublicPathVariants)],
            Variants = Math.Min(settings.Variants, PublicPathVariants),
            ReportPath = settings.ReportPath.Replace("fuzz-report-", "fuzz-report-public-path-", StringComparison.Ordinal),
        };
        output.WriteLine($"the same world through a gateway under /npm/: {underPath.Variants} variants");
        await using var prefixed = await registry.StartGatewayAsync(s_noLockout, publicPath: "/npm/");
        await FuzzAsync(prefixed, world, underPath, probeStar: false);
    }

    private async Task FuzzAsync(GatewayProcess gateway, FuzzWorld world, FuzzSettings settings, bool probeStar)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(registry.Redis.ConnectionString);
        var tracePath = Path.ChangeExtension(settings.ReportPath, ".trace.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(tracePath)!);
        await using var trace = new StreamWriter(tracePath) { AutoFlush = true };
        var report = new FuzzReport(world, settings.Seed, trace);
        var runner = new FuzzRunner(gateway, new RegistryStateReader(registry.Verdaccio, redis.GetDatabase(), world), new CredentialDetector(registry.Verdaccio, world), report);

        if (probeStar)
        {
            await ProbeStarAsync(runner, world);
        }

        var generator = new VariantGenerator(world, settings.Seed);
        var clock = Stopwatch.StartNew();
        var fuzzerErrors = new List<string>();
        foreach (var index in settings.Indices)
        {
            try
            {
                if (await runner.RunAsync(generator.Generate(index)) is { } finding)
                {
                    output.WriteLine(report.Describe(finding));
                }
            }
            catch (Exception e) when (fuzzerErrors.Count < 20)
            {
                // A bug of the fuzzer itself must not cost the rest of the run; it still fails the test.
                fuzzerErrors.Add($"variant {index}: {e}");
                output.WriteLine($"FUZZER ERROR in variant {index}: {world.Mask(e.ToString())}");
            }
        }

        var text = report.Render(clock.Elapsed);
        Directory.CreateDirectory(Path.GetDirectoryName(settings.ReportPath)!);
        await File.WriteAllTextAsync(settings.ReportPath, text);
        output.WriteLine(text);
        output.WriteLine($"report written to {settings.ReportPath}, one line per variant in {tracePath}");

        Assert.True(fuzzerErrors.Count == 0, $"the fuzzer itself failed on {fuzzerErrors.Count} variants:\n{world.Mask(string.Join('\n', fuzzerErrors))}");
        Assert.True(report.StateChanges == 0 && report.Credentials == 0, report.Summary(clock.Elapsed) + $" (details in {settings.ReportPath})");
    }

    /// <summary>
    /// The experiment behind <see cref="StarBookkeeping"/>: a legitimate star through the gateway must change
    /// nothing but the fields it strips, or every star variant would be a false positive.
    /// </summary>
    private async Task ProbeStarAsync(FuzzRunner runner, FuzzWorld world)
    {
        var before = await registry.Verdaccio.GetPackumentAsync(world.Plain.Name);
        await runner.RebaselineAsync();
        var star = new JsonObject { ["_id"] = world.Plain.Name, ["_rev"] = world.Plain.Rev, ["users"] = new JsonObject { [world.Alice.Name] = true } };
        var response = await runner.SendAsync(new RawHttpRequest("PUT", "/" + world.Plain.Name, [
            new("Authorization", "Bearer " + world.Alice.Token), new("Content-Type", "application/json")], Encoding.UTF8.GetBytes(star.ToJsonString()), false));
        var after = await registry.Verdaccio.GetPackumentAsync(world.Plain.Name);
        var touched = before!.AsObject().Select(m => m.Key).Union(after!.AsObject().Select(m => m.Key))
            .Where(k => !JsonNode.DeepEquals(before[k], after[k]))
            .SelectMany(k => k == "time" ? before[k]!.AsObject().Select(m => m.Key).Union(after[k]!.AsObject().Select(m => m.Key)).Where(t => !JsonNode.DeepEquals(before[k]![t], after[k]![t])).Select(t => $"time.{t}") : [k]);
        output.WriteLine($"star probe: {response.Status}, a star changed: {string.Join(", ", touched)}");

        Assert.True(response.Status is >= 200 and < 300, $"the legitimate star was refused: {response.Status} {world.Mask(response.BodyText)}");
        var changes = await runner.ChangesSinceBaselineAsync();
        Assert.True(changes.Count == 0, "a star changes more than StarBookkeeping strips:\n" + string.Join('\n', changes));
    }
}
