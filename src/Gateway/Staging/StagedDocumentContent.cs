using System.Buffers;
using System.Buffers.Text;
using System.Net;
using Gateway.Store;

namespace Gateway.Staging;

/// <summary>
/// The held publish document rebuilt as a request body, streamed: the document up to the tarball's place, the tarball's
/// chunks base64-encoded one at a time as they are read from the store, then the rest of the document. What the registry
/// receives is the document npm sent, with the same base64 (chunks are a multiple of 3 bytes, so each encodes alone).
/// </summary>
internal sealed class StagedDocumentContent : HttpContent
{
    private readonly StoredStage _stage;
    private readonly StageRecords _records;

    public StagedDocumentContent(StoredStage stage, StageRecords records)
    {
        _stage = stage;
        _records = records;
        Headers.ContentType = new("application/json");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var offset = (int)_stage.DataOffset;
        await stream.WriteAsync(_stage.Document.AsMemory(0, offset), cancellationToken);
        var encoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(PublishBodyScanner.ChunkSize));
        try
        {
            for (var i = 0; i < _stage.Chunks; i++)
            {
                using var chunk = await _records.ReadChunkAsync(_stage.Id, i, cancellationToken)
                    ?? throw new InvalidOperationException($"Stage {_stage.Id} lost its tarball chunk {i} (removed or expired meanwhile).");
                Base64.EncodeToUtf8(chunk.Memory.Span, encoded, out _, out var written);
                await stream.WriteAsync(encoded.AsMemory(0, written), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }

        await stream.WriteAsync(_stage.Document.AsMemory(offset), cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _stage.Document.Length + ((_stage.TarballLength + 2) / 3 * 4);
        return true;
    }
}
