namespace Gateway.Microbench;

internal static class PolicyFile
{
    /// <summary>config/route-policy.json: from BENCH_POLICY_FILE, else searched upwards from the working directory.</summary>
    public static string Find()
    {
        if (Environment.GetEnvironmentVariable("BENCH_POLICY_FILE") is { Length: > 0 } file)
        {
            return file;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "config", "route-policy.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("config/route-policy.json not found; set BENCH_POLICY_FILE");
    }
}
