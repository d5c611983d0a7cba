using System.Formats.Tar;
using System.IO.Compression;
using Gateway.Store;

namespace Gateway.Staging;

/// <summary>
/// The names of the files in a staged tarball (a gzip'd tar, as <c>npm pack</c> writes it), for a person deciding whether
/// to approve it. Read streaming from the store, names only, and bounded: at most <see cref="MaxEntries"/> entries and
/// <see cref="MaxTarBytes"/> bytes of decompressed tar, so neither a package of many files nor a gzip bomb costs more
/// than that (docs/SECURITY.md, "Staged publishes").
/// </summary>
internal sealed partial class StagedTarballFiles(StagedPublishes stages, ILogger<StagedTarballFiles> logger)
{
    public const int MaxEntries = 1_000;

    /// <summary>Decompressed bytes read at most: files past it are not listed (a package's files are read through to reach the next name).</summary>
    public const long MaxTarBytes = 128L * 1024 * 1024;

    public async Task<StagedFileList> ListAsync(StoredStage stage, CancellationToken cancellation)
    {
        var names = new List<string>();
        await using var tarball = stages.OpenTarball(stage);
        await using var gzip = new GZipStream(tarball, CompressionMode.Decompress);
        await using var bounded = new BoundedReadStream(gzip, MaxTarBytes);
        try
        {
            await using var reader = new TarReader(bounded);
            while (await reader.GetNextEntryAsync(copyData: false, cancellation) is { } entry)
            {
                if (names.Count == MaxEntries)
                {
                    return new StagedFileList(names, Complete: false, Unreadable: false);
                }

                if (entry.EntryType is not (TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes))
                {
                    names.Add(entry.Name);
                }
            }

            return new StagedFileList(names, Complete: !bounded.Exhausted, Unreadable: false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or InvalidOperationException)
        {
            // Cut at the bound mid-entry, or the stage removed meanwhile (an approval elsewhere): what was read stands.
            if (bounded.Exhausted || e is InvalidOperationException)
            {
                return new StagedFileList(names, Complete: false, Unreadable: false);
            }

            LogUnreadable(logger, stage.Id, e.GetType().Name);
            return new StagedFileList(names, Complete: false, Unreadable: true);
        }
    }

    [LoggerMessage(EventId = LogEvents.StagedTarballUnreadable, Level = LogLevel.Information, Message = "Stage {Id}: its tarball is not a readable gzip'd tar ({Failure}); its file list is cut short")]
    private static partial void LogUnreadable(ILogger logger, string id, string failure);

    /// <summary>Reads at most a number of bytes from the inner stream, then ends as if the stream did.</summary>
    private sealed class BoundedReadStream(Stream inner, long limit) : Stream
    {
        private long _left = limit;

        public bool Exhausted => _left == 0;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left == 0)
            {
                return 0;
            }

            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken);
            _left -= read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <param name="Names">The entries' names in the tarball's order (directories left out).</param>
/// <param name="Complete">False when the list stopped at a bound or at a part that could not be read.</param>
/// <param name="Unreadable">The tarball is not a gzip'd tar (or is damaged where the list stops).</param>
internal sealed record StagedFileList(IReadOnlyList<string> Names, bool Complete, bool Unreadable);
