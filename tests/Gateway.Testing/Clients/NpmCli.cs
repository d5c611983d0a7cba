using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gateway.Testing;

/// <summary>The real <c>npm</c> CLI with its own HOME, user config, global config and cache (nothing of
/// the machine's npm setup leaks in), pointed at one registry. One instance = one logged-in developer.</summary>
public sealed class NpmCli : IDisposable
{
    private readonly TempDirectory _dir;
    private readonly string _executable;

    /// <param name="executable">
    /// The npm to run: the machine's by default, or a pinned one such as <see cref="Npm11"/> for a command the machine's
    /// npm lacks or does differently.
    /// </param>
    public NpmCli(string registryUrl, string executable = "npm")
    {
        _executable = executable;
        RegistryUrl = registryUrl.EndsWith('/') ? registryUrl : registryUrl + "/";
        _dir = new TempDirectory("npm");
        Directory.CreateDirectory(HomePath);
        Directory.CreateDirectory(CachePath);
        File.WriteAllText(UserConfigPath, "");
        File.WriteAllText(GlobalConfigPath, "");
    }

    /// <summary>npm 11.21 from tests/clients/npm11 (the client matrix's): <c>npm stage</c> as npm 11 ships it.</summary>
    public static string Npm11 => Pinned("npm11");

    public string RegistryUrl { get; }

    /// <summary>The npm pinned in <c>tests/clients/&lt;id&gt;</c> (e.g. <c>npm11</c>: 11.21, which has <c>npm stage</c>).</summary>
    public static string Pinned(string id) => Path.Combine(RepoPaths.Root, "tests", "clients", id, "node_modules", ".bin", "npm");

    /// <summary>
    /// A pinned client's bin folder (<see cref="RepoPaths.ClientBin"/>), put first on PATH so its <c>npm</c> (and, for
    /// npm 12, its Node 22) runs instead of the system's; null: the system's npm.
    /// </summary>
    public string? BinFolder { get; init; }

    /// <summary>More environment for every command (a CI job's variables); a null value removes one.</summary>
    public Dictionary<string, string?> Environment { get; } = [];

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
    /// registry are used (also in a pseudo-terminal). In <c>--key=value</c> form: npm 12's <c>trust</c> subcommands
    /// take <c>--key value</c> for an unknown positional argument.</summary>
    public IReadOnlyList<string> IsolationArguments =>
    [
        "--userconfig=" + UserConfigPath,
        "--globalconfig=" + GlobalConfigPath,
        "--cache=" + CachePath,
        "--registry=" + RegistryUrl,
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

    /// <summary>Runs <c>npm args…</c> in <paramref name="workingDirectory"/> with the isolation flags appended,
    /// without a terminal (<c>CI=true</c>: no progress spinners, no prompts).</summary>
    public Task<NpmResult> RunAsync(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(BinFolder is null ? _executable : Path.Combine(BinFolder, "npm")) { WorkingDirectory = workingDirectory };
        foreach (var arg in args.Concat(IsolationArguments))
        {
            info.ArgumentList.Add(arg);
        }

        ApplyIsolatedEnvironment(info.Environment);
        info.Environment["CI"] = "true";
        if (BinFolder is not null)
        {
            info.Environment["PATH"] = BinFolder + ":" + info.Environment["PATH"];
        }

        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        return ClientCommand.RunAsync(info, "npm " + string.Join(' ', args));
    }

    /// <summary>
    /// Starts <c>npm args…</c> in a pseudo-terminal (<see cref="PtySession"/>), as a person at a terminal runs it:
    /// npm prompts, and takes the web path, only on a TTY. URLs it prints are not opened (<c>--browser=false</c>).
    /// </summary>
    public PtySession StartInPty(string workingDirectory, string[] args, params PtyStep[] steps) =>
        PtySession.Start("npm " + string.Join(' ', args), [_executable, .. args, "--browser=false", .. IsolationArguments], workingDirectory, ApplyIsolatedEnvironment, steps);

    /// <summary>Runs <c>npm args…</c> in a pseudo-terminal to its end, performing <paramref name="steps"/> (see <see cref="StartInPty"/>).</summary>
    public async Task<PtyResult> RunInPtyAsync(string workingDirectory, string[] args, params PtyStep[] steps)
    {
        await using var session = StartInPty(workingDirectory, args, steps);
        return await session.WaitForExitAsync();
    }

    public void Dispose() => _dir.Dispose();
}
