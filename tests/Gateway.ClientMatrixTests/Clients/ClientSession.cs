using System.Diagnostics;
using System.Text;
using Gateway.IntegrationTests.Harness;

namespace Gateway.ClientMatrixTests.Clients;

/// <summary>A client configured in its own <see cref="ClientHome"/>: runs its commands without a terminal
/// (as CI does) or in a pseudo-terminal (<see cref="ClientPty"/>).</summary>
internal sealed class ClientSession(MatrixClient client, ClientHome home) : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    public MatrixClient Client { get; } = client;

    public ClientHome Home { get; } = home;

    public static ClientSession Create(MatrixClient client, string registryUrl, string? token)
    {
        var home = new ClientHome(registryUrl, token);
        client.Configure(home);
        return new ClientSession(client, home);
    }

    /// <summary>A package folder ready to publish from.</summary>
    public async Task<string> CreatePackageAsync(string name, string version = "1.0.0")
    {
        var folder = Home.NewFolder(name.Replace('/', '_').Replace("@", "", StringComparison.Ordinal));
        ClientHome.WritePackage(folder, name, version);
        await Client.PreparePackageAsync(this, folder);
        return folder;
    }

    /// <summary>The client's environment: only PATH, HOME, TERM-less, the client's own settings; nothing of the machine's npm setup.</summary>
    public void ApplyEnvironment(IDictionary<string, string?> environment, bool classicPrompt)
    {
        foreach (var key in environment.Keys.Where(IsInheritedClientSetting).ToList())
        {
            environment.Remove(key);
        }

        environment["HOME"] = Home.HomePath;
        environment["PATH"] = string.Join(':', [.. Client.PathFolders, "/usr/local/bin", "/usr/bin", "/bin"]);
        environment["NO_UPDATE_NOTIFIER"] = "1";
        Client.Environment(environment, Home, classicPrompt);
    }

    /// <summary>Runs a command without a terminal (stdin closed, <c>CI=true</c>), as in a CI job.</summary>
    public async Task<NpmResult> RunAsync(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(Client.Executable[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in Client.Executable.Skip(1).Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        ApplyEnvironment(info.Environment, classicPrompt: false);
        info.Environment["CI"] = "true";

        var command = $"{Client.Id} {string.Join(' ', args)}";
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` did not finish in {s_timeout.TotalSeconds:0} s.\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        }

        process.WaitForExit();
        return new NpmResult(command, process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private static bool IsInheritedClientSetting(string key) =>
        key.StartsWith("npm_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("pnpm_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("yarn_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("bun_", StringComparison.OrdinalIgnoreCase)
        || key is "CI" or "NODE_OPTIONS" or "PATH";

    public void Dispose() => Home.Dispose();
}
