namespace Gateway.Configuration;

/// <summary>
/// <c>Gateway:EmbeddedStore</c>: how the embedded store keeps its append-only file bounded. Every write is appended
/// to the file; once it is larger than <see cref="CompactAofAbove"/>, Garnet takes a checkpoint (a snapshot of the
/// data) and truncates the file up to it, so the data folder holds one snapshot plus at most about that much log.
/// </summary>
public sealed class EmbeddedStoreOptions
{
    public const string Section = "Gateway:EmbeddedStore";

    /// <summary>Bytes of append-only file that trigger a checkpoint (Garnet rounds it down to a power of two).</summary>
    public long CompactAofAbove { get; set; } = 64L * 1024 * 1024;

    /// <summary>How often the size is checked.</summary>
    public TimeSpan CompactionCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
