using System.Diagnostics;

namespace Gateway.ClientMatrixTests.Clients;

/// <summary>A client configured in its own <see cref="ClientHome"/>: runs its commands without a terminal
/// (as CI does) or in a pseudo-terminal (<see cref="PtySession"/>).</summary>
internal sealed class ClientSession(MatrixClient client, ClientHome home) : IDisposable
{
    public MatrixClient Client { get; } = client;

    public ClientHome Home { get; } = home;

    /// <summary>Variables of the machine the client runs on (a CI job's, say), set after the client's own settings.</summary>
    public Dictionary<string, string?> Variables { get; } = [];

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
        foreach (var (key, value) in Variables)
        {
            environment[key] = value;
        }
    }

    /// <summary>Runs a command without a terminal (stdin closed, <c>CI=true</c>), as in a CI job.</summary>
    public Task<NpmResult> RunAsync(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(Client.Executable[0]) { WorkingDirectory = workingDirectory };
        foreach (var arg in Client.Executable.Skip(1).Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        ApplyEnvironment(info.Environment, classicPrompt: false);
        info.Environment["CI"] = "true";
        return ClientCommand.RunAsync(info, $"{Client.Id} {string.Join(' ', args)}");
    }

    /// <summary>Starts a command in a pseudo-terminal, running in the background while the test acts.</summary>
    /// <param name="classicPrompt">Ask npm-based clients for the classic "Enter OTP" prompt (<c>auth-type=legacy</c>) instead of the web flow.</param>
    public PtySession StartInPty(string workingDirectory, string[] args, bool classicPrompt, params PtyStep[] steps) =>
        PtySession.Start(
            $"{Client.Id} {string.Join(' ', args)}",
            [.. Client.Executable, .. args, .. classicPrompt ? Client.ClassicPromptArguments : []],
            workingDirectory,
            environment =>
            {
                ApplyEnvironment(environment, classicPrompt);
                // Printed URLs are not opened: there is no browser on the client's side of the test.
                environment["BROWSER"] = "true";
            },
            steps);

    private static bool IsInheritedClientSetting(string key) =>
        key.StartsWith("npm_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("pnpm_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("yarn_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("bun_", StringComparison.OrdinalIgnoreCase)
        || key is "CI" or "NODE_OPTIONS" or "PATH"
        // A matrix run inside a real CI job: no client exchanges that job's identity unless a cell sets it up.
        || key is "GITHUB_ACTIONS" or "GITLAB_CI" or "CIRCLECI" or "NPM_ID_TOKEN" or "SIGSTORE_ID_TOKEN"
        || key.StartsWith("ACTIONS_ID_TOKEN_", StringComparison.Ordinal);

    public void Dispose() => Home.Dispose();
}
