using Gateway.Configuration;
using Gateway.Store;

namespace Gateway.Tests.Store;

/// <summary>
/// A long-lived gateway's embedded store must not grow without bound: Garnet checkpoints and truncates its
/// append-only file above <c>Gateway:EmbeddedStore:CompactAofAbove</c>, and a restart (here: a kill, no shutdown
/// checkpoint) still recovers every acknowledged write.
/// </summary>
public sealed class EmbeddedStoreCompactionTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 12;
    private const int WritesPerRound = 2_500;
    private static readonly string s_value = new('v', 2_000);

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "gw-unit-garnet-compaction-" + Guid.NewGuid().ToString("N"));
    private readonly EmbeddedStoreOptions _compaction = new()
    {
        CompactAofAbove = EmbeddedStoreOptionsValidator.SmallestLimit,
        CompactionCheckInterval = TimeSpan.FromSeconds(1),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_dataPath, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ManyWrites_FolderLevelsOff_AndRestartRecoversEveryAcknowledgedWrite()
    {
        // Each round overwrites the same keys with new values: the data stays ~5 MB while the log of writes grows
        // by ~5 MB a round, 60 MB in all; without compaction the append-only file would hold all of it.
        var sizes = new List<long>();
        var aofSizes = new List<long>();
        var connection = await StoreConnection.ConnectAsync(StoreConnection.EmbeddedSetting, _dataPath, compaction: _compaction);
        var db = connection.Multiplexer.GetDatabase();
        for (var round = 0; round < Rounds; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, WritesPerRound).Select(i => db.StringSetAsync($"gw:test:{i}", $"{round}:{s_value}")));
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // at least one size check
            sizes.Add(FolderBytes(connection.Embedded!.Directory));
            aofSizes.Add(FolderBytes(Path.Combine(connection.Embedded!.Directory, "AOF")));
        }

        var written = (long)Rounds * WritesPerRound * s_value.Length;
        var summary = $"folder after each round (MB): {string.Join(", ", sizes.Select(s => s / 1_000_000))}; AOF: {string.Join(", ", aofSizes.Select(s => s / 1_000_000))}; written {written / 1_000_000} MB\n"
            + string.Join("\n", new DirectoryInfo(connection.Embedded!.Directory).EnumerateFiles("*", SearchOption.AllDirectories).Select(f => $"{f.FullName} {f.Length}"));
        output.WriteLine(summary);
        // Levelled off: the log never holds much more than the limit (checked once a second, written meanwhile), and
        // the folder (one snapshot, the 16 MB index, the log) is no larger at the end than after the third round.
        Assert.All(aofSizes, size => Assert.True(size <= 2 * _compaction.CompactAofAbove, summary));
        Assert.True(sizes[^1] <= sizes[2] + _compaction.CompactAofAbove, summary);
        Assert.True(aofSizes.Sum() > 0 && written > 4 * aofSizes.Max(), summary);

        // A kill (no shutdown checkpoint): the last checkpoint plus the log after it hold every acknowledged write.
        connection.Multiplexer.Dispose();
        connection.Embedded!.StopWithoutCheckpoint();
        connection = await StoreConnection.ConnectAsync(StoreConnection.EmbeddedSetting, _dataPath, compaction: _compaction);
        try
        {
            var values = await Task.WhenAll(Enumerable.Range(0, WritesPerRound).Select(i => connection.Multiplexer.GetDatabase().StringGetAsync($"gw:test:{i}")));
            Assert.All(values, v => Assert.Equal($"{Rounds - 1}:{s_value}", (string?)v));
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static long FolderBytes(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
