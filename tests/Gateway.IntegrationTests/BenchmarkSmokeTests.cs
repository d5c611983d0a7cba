using System.Diagnostics;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// Runs the benchmark harness (bench/run.sh, docs/BENCHMARKS.md) in its smoke mode: seconds, not
/// minutes, and no thresholds. It checks that every target starts, serves the fixtures, enrols the bench
/// user and measures, so the harness cannot rot between real benchmark runs.
/// </summary>
[Collection(Verdaccio9Collection.Name)]
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task BenchRunSmoke_EveryTargetAndCaseRuns()
    {
        // The bench projects are not in Gateway.sln; build them (Release, as the harness expects).
        foreach (var project in new[] { "bench/BareYarp/BareYarp.csproj", "bench/Gateway.Microbench/Gateway.Microbench.csproj" })
        {
            var build = await RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "quiet", project], TimeSpan.FromMinutes(5));
            Assert.True(build.Exit == 0, $"dotnet build {project} failed:\n{build.Output}");
        }

        var smoke = await RunAsync("bash", ["bench/run.sh", "--smoke"], TimeSpan.FromMinutes(5), ("BENCH_NO_BUILD", "1"));

        Assert.True(smoke.Exit == 0, $"bench/run.sh --smoke exited {smoke.Exit}:\n{smoke.Output}");
        Assert.Contains("gw-embedded", smoke.Output);
        Assert.Contains("bare-yarp", smoke.Output);
        Assert.Contains("Large publish", smoke.Output);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args, TimeSpan timeout, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }
}
