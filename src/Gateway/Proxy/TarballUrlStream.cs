using System.Buffers;

namespace Gateway.Proxy;

/// <summary>
/// A response body that rewrites tarball URLs (<see cref="TarballUrlRewriter"/>) on their way to the client; until
/// <see cref="CompleteAsync"/>, it holds back only the few bytes that might begin one. Write-only.
/// </summary>
internal sealed class TarballUrlStream(Stream inner, TarballUrlBases bases) : Stream
{
    private readonly ArrayBufferWriter<byte> _input = new();
    private readonly ArrayBufferWriter<byte> _output = new();
    private readonly byte[] _carry = new byte[TarballUrlRewriter.MaxCarry(bases)];

    /// <summary>Set when the response is not one to rewrite (not a 200, or compressed): bytes go through untouched.</summary>
    public bool PassThrough { get; set; }

    /// <summary>Called once, before the first bytes are handled: the response's status and headers decide <see cref="PassThrough"/>.</summary>
    public Action? BeforeFirstWrite { get; set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        BeforeFirstWrite?.Invoke();
        BeforeFirstWrite = null;
        if (PassThrough)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }

        _input.Write(buffer.Span);
        Step(final: false);
        await inner.WriteAsync(_output.WrittenMemory, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Flushes what is rewritten; the held-back tail waits for more bytes or the end.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    /// <summary>The body has ended: writes the held-back tail.</summary>
    public async Task CompleteAsync(CancellationToken cancellation)
    {
        if (PassThrough || _input.WrittenCount == 0)
        {
            return;
        }

        Step(final: true);
        await inner.WriteAsync(_output.WrittenMemory, cancellation);
    }

    /// <summary>Rewrites what arrived into <c>_output</c> and keeps the unconsumed tail as the start of the next input.</summary>
    private void Step(bool final)
    {
        _output.ResetWrittenCount();
        var consumed = TarballUrlRewriter.Rewrite(_input.WrittenSpan, final, bases, _output);
        var tail = _input.WrittenSpan[consumed..];
        tail.CopyTo(_carry);
        _input.ResetWrittenCount();
        _input.Write(_carry.AsSpan(0, tail.Length));
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
