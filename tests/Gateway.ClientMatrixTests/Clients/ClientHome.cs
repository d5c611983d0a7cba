using System.Text.Json.Nodes;

namespace Gateway.ClientMatrixTests.Clients;

/// <summary>One simulated developer's machine for one client: HOME (with the client's config), caches and
/// package folders in a temp folder, a registry URL and a token.</summary>
internal sealed class ClientHome : IDisposable
{
    private readonly TempDirectory _dir;

    public ClientHome(string registryUrl, string? token)
    {
        RegistryUrl = registryUrl;
        Token = token;
        _dir = new TempDirectory("client");
        Directory.CreateDirectory(Combine("home"));
        Directory.CreateDirectory(Combine("cache"));
        File.WriteAllText(Combine("global-npmrc"), "");
    }

    public string RegistryUrl { get; }

    /// <summary>The credential the client is logged in with; null: not logged in.</summary>
    public string? Token { get; }

    public string HomePath => Combine("home");

    /// <summary>The registry URL without scheme, as npm-style configs key credentials: <c>//127.0.0.1:PORT/</c>.</summary>
    public string NerfDart => "//" + new Uri(RegistryUrl).Authority + new Uri(RegistryUrl).AbsolutePath;

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public string NewFolder(string name)
    {
        var path = Combine("work", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A minimal publishable package (package.json + index.js) in <paramref name="folder"/>.</summary>
    public static void WritePackage(string folder, string name, string version)
    {
        Directory.CreateDirectory(folder);
        var manifest = new JsonObject { ["name"] = name, ["version"] = version, ["main"] = "index.js", ["license"] = "MIT" };
        File.WriteAllText(Path.Combine(folder, "package.json"), manifest.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "index.js"), $"module.exports = '{name}@{version}';\n");
    }

    /// <summary>A workspace root (npm/yarn <c>workspaces</c>, pnpm-workspace.yaml) with <paramref name="names"/> as packages.</summary>
    public string CreateWorkspace(IReadOnlyList<string> names)
    {
        var root = NewFolder("workspace");
        var manifest = new JsonObject { ["name"] = "workspace-root", ["private"] = true, ["version"] = "0.0.0", ["workspaces"] = new JsonArray("packages/*") };
        File.WriteAllText(Path.Combine(root, "package.json"), manifest.ToJsonString());
        File.WriteAllText(Path.Combine(root, "pnpm-workspace.yaml"), "packages:\n  - 'packages/*'\n");
        for (var i = 0; i < names.Count; i++)
        {
            WritePackage(Path.Combine(root, "packages", "p" + i), names[i], "1.0.0");
        }

        return root;
    }

    public void Dispose() => _dir.Dispose();
}
