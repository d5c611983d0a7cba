using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Harness;

/// <summary>The real <c>npm</c> CLI with its own HOME, user config, global config and cache (nothing of
/// the machine's npm setup leaks in), pointed at one registry. One instance = one logged-in developer.</summary>
internal sealed class NpmCli : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    private readonly TempDirectory _dir;

    public NpmCli(string registryUrl)
    {
        RegistryUrl = registryUrl.EndsWith('/') ? registryUrl : registryUrl + "/";
        _dir = new TempDirectory("npm");
        Directory.CreateDirectory(HomePath);
        Directory.CreateDirectory(CachePath);
        File.WriteAllText(UserConfigPath, "");
        File.WriteAllText(GlobalConfigPath, "");
    }

    public string RegistryUrl { get; }

    public string HomePath => _dir.Combine("home");

    public string CachePath => _dir.Combine("cache");

    public string UserConfigPath => _dir.Combine("home", ".npmrc");

    private string GlobalConfigPath => _dir.Combine("global-npmrc");

    /// <summary>The registry URL without scheme, as npm keys credentials ("nerf dart"): <c>//127.0.0.1:PORT/</c>.</summary>
    public string NerfDart => "//" + new Uri(RegistryUrl).Authority + new Uri(RegistryUrl).AbsolutePath;

    /// <summary>Writes the credential npm sends to this registry (replacing the user config).</summary>
    public void SetToken(string token) =>
        File.WriteAllText(UserConfigPath, $"{NerfDart}:_authToken={token}\n");

    /// <summary>Appends raw lines to the user config (e.g. <c>auth-type=web</c>).</summary>
    public void AppendConfig(params string[] lines) =>
        File.AppendAllText(UserConfigPath, string.Join('\n', lines) + "\n");

    /// <summary>A fresh empty folder inside this CLI's temp area.</summary>
    public string NewFolder(string name)
    {
        var path = _dir.Combine("work", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A minimal publishable package (package.json + index.js) in a fresh folder.</summary>
    public string CreatePackage(string name, string version, string? description = null)
    {
        var folder = NewFolder(name.Replace('/', '_').Replace("@", "", StringComparison.Ordinal));
        var manifest = new JsonObject
        {
            ["name"] = name,
            ["version"] = version,
            ["description"] = description ?? $"{name} test package",
            ["main"] = "index.js",
            ["license"] = "MIT",
        };
        File.WriteAllText(Path.Combine(folder, "package.json"), manifest.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "index.js"), $"module.exports = {{ name: '{name}', version: '{version}' }};\n");
        return folder;
    }

    /// <summary>The flags appended to every npm command so that only this instance's config, cache and
    /// registry are used (also for <see cref="PtyRunner"/>).</summary>
    public IReadOnlyList<string> IsolationArguments =>
    [
        "--userconfig", UserConfigPath,
        "--globalconfig", GlobalConfigPath,
        "--cache", CachePath,
        "--registry", RegistryUrl,
        "--no-audit", "--no-fund", "--no-update-notifier",
    ];

    /// <summary>HOME of this instance, no inherited <c>npm_*</c> settings, no update check.</summary>
    public void ApplyIsolatedEnvironment(IDictionary<string, string?> environment)
    {
        foreach (var key in environment.Keys.Where(k => k.StartsWith("npm_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            environment.Remove(key);
        }

        environment["HOME"] = HomePath;
        environment["NO_UPDATE_NOTIFIER"] = "1";
    }

    /// <summary>Runs <c>npm args…</c> in <paramref name="workingDirectory"/> with the isolation flags appended.</summary>
    public async Task<NpmResult> RunAsync(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("npm")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var arg in IsolationArguments)
        {
            info.ArgumentList.Add(arg);
        }

        ApplyIsolatedEnvironment(info.Environment);
        info.Environment["CI"] = "true"; // no progress spinners, no prompts

        var command = "npm " + string.Join(' ', args);
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

        process.WaitForExit(); // flushes the asynchronous output readers
        return new NpmResult(command, process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => _dir.Dispose();
}
