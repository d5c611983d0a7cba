using System.Diagnostics;

namespace Gateway.IntegrationTests.Harness;

/// <summary>
/// <c>dotnet Gateway.dll admin …</c> (and <c>policy explain</c>) as an operator runs it on the gateway's host: the
/// same build, the same settings as the running <see cref="GatewayProcess"/> (store, data folder), the same OS user.
/// </summary>
internal static class AdminCli
{
    public static Task<(int Exit, string Stdout, string Stderr)> RunAsync(GatewayProcess gateway, params string[] args) =>
        RunCommandAsync(gateway, ["admin", .. args]);

    public static async Task<(int Exit, string Stdout, string Stderr)> RunCommandAsync(GatewayProcess gateway, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.GatewayDll)!,
        };
        start.ArgumentList.Add(RepoPaths.GatewayDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in gateway.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
