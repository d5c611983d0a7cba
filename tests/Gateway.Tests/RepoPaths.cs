namespace Gateway.Tests;

/// <summary>Files of the repository under test, found by walking up from the test binaries to Gateway.sln.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The real policy file the gateway ships with, not a copy.</summary>
    public static string RoutePolicy => Path.Combine(Root, "config", "route-policy.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Gateway.sln above {AppContext.BaseDirectory}");
    }
}
