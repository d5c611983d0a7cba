using System.Buffers;
using Gateway.Store;

namespace Gateway.Staging;

/// <summary>
/// A staged tarball as a read-only stream, one store chunk in memory at a time: what a reader that pulls (a
/// <c>GZipStream</c>) needs where <see cref="StagedPublishes.CopyTarballAsync"/> pushes. Asynchronous reads only: every
/// read is a store call.
/// </summary>
internal sealed class StagedTarballStream(StoredStage stage, StageRecords records) : Stream
{
    private IMemoryOwner<byte>? _chunk;
    private int _next;
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => stage.TarballLength;

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_chunk is null || _offset == _chunk.Memory.Length)
        {
            _chunk?.Dispose();
            _chunk = null;
            if (_next == stage.Chunks || buffer.Length == 0)
            {
                return 0;
            }

            _chunk = await records.ReadChunkAsync(stage.Id, _next, cancellationToken)
                ?? throw new InvalidOperationException($"Stage {stage.Id} lost its tarball chunk {_next} (removed or expired meanwhile).");
            _next++;
            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _chunk.Memory.Length - _offset);
        _chunk.Memory.Slice(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A staged tarball is read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chunk?.Dispose();
            _chunk = null;
        }

        base.Dispose(disposing);
    }
}
