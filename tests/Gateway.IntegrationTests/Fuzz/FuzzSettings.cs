using System.Globalization;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// FUZZ_VARIANTS (how many, default 1,200), FUZZ_SEED (default 20261127), FUZZ_ONLY (comma-separated
/// variant indices to replay alone) and FUZZ_REPORT (where the report is written).
/// </summary>
internal sealed record FuzzSettings(int Variants, int Seed, IReadOnlyList<int> Indices, string ReportPath)
{
    public const int DefaultSeed = 20261127;
    public const int DefaultVariants = 1200;

    public static FuzzSettings FromEnvironment()
    {
        var variants = Number("FUZZ_VARIANTS") ?? DefaultVariants;
        var seed = Number("FUZZ_SEED") ?? DefaultSeed;
        var only = Environment.GetEnvironmentVariable("FUZZ_ONLY");
        var indices = string.IsNullOrWhiteSpace(only)
            ? Enumerable.Range(0, variants).ToList()
            : only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(i => int.Parse(i, CultureInfo.InvariantCulture)).ToList();
        var report = Environment.GetEnvironmentVariable("FUZZ_REPORT") is { Length: > 0 } path
            ? path
            : Path.Combine(RepoPaths.Root, "TestResults", "fuzz", $"fuzz-report-{seed}.txt");
        return new FuzzSettings(indices.Count, seed, indices, report);
    }

    private static int? Number(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
