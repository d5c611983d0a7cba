using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Http;

namespace Gateway.Staging;

/// <summary>
/// Reads a publish document as it arrives, in memory that does not grow with the tarball (docs/ARCHITECTURE.md, "Staged
/// publishes"): the one string at <c>_attachments.&lt;file&gt;.data</c> is base64-decoded piece by piece into fixed-size
/// tarball chunks (handed to a sink as each fills) and hashed (SHA-1, SHA-512) on the way; every other byte is kept as it
/// came, with that string's content left out, in the <em>document</em> — which a JSON parser then reads whole, and into which
/// the approval puts the tarball's base64 back at <see cref="ScannedBody.DataOffset"/>.
/// </summary>
/// <remarks>
/// Only string boundaries, containers and the keys on the way are tracked; on valid JSON that finds the attachment's data
/// exactly as a parser would. Anything else — unbalanced, truncated, a second data string — leaves a document the parser
/// refuses, or is refused here. The data must be base64, as every npm client sends it (escaped characters read as a parser reads them).
/// </remarks>
internal sealed class PublishBodyScanner : IDisposable
{
    /// <summary>Decoded bytes per store chunk: a multiple of 3, so each chunk's base64 stands alone (no padding but the last).</summary>
    public const int ChunkSize = 3 * 64 * 1024;

    private const int Base64Window = 64 * 1024;
    private const int MaxKeyBytes = 1024;
    private const int MaxDepth = 64;

    private readonly Func<ReadOnlyMemory<byte>, ValueTask> _writeChunk;
    private readonly long _maxTarball;
    private readonly int _maxDocument;
    private readonly MemoryStream _document = new();
    private readonly List<Frame> _frames = [];
    private readonly byte[] _key = new byte[MaxKeyBytes];
    private readonly byte[] _escape = new byte[6];
    private readonly byte[] _base64 = ArrayPool<byte>.Shared.Rent(Base64Window);
    // Not pooled: the store client holds a chunk until it is written, and a write cut off by the store's timeout could
    // still be pending after the request failed; a buffer of its own is never handed to another request meanwhile.
    private readonly byte[] _chunk = new byte[ChunkSize + (2 * Base64Window)];
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly IncrementalHash _sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
    private Mode _mode;
    private bool _escaped;
    private bool _expectKey;
    private int _keyLength;
    private int _escapeLength;
    private int _base64Fill;
    private int _chunkFill;
    private long _tarballLength;
    private long _dataOffset = -1;
    private bool _sawData;

    public PublishBodyScanner(long maxTarball, int maxDocument, Func<ReadOnlyMemory<byte>, ValueTask> writeChunk)
    {
        _maxTarball = maxTarball;
        _maxDocument = maxDocument;
        _writeChunk = writeChunk;
    }

    private enum Mode
    {
        Structure,
        Key,
        Value,
        Data,
    }

    /// <summary>Chunks handed to the sink so far.</summary>
    public int Chunks { get; private set; }

    /// <summary>Feeds the next bytes of the body, in order.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> input)
    {
        // Slices of half the base64 window: a slice decodes at most one full window and one final remainder, which the chunk
        // buffer's spare room (two windows) holds until the chunks are flushed below.
        for (var offset = 0; offset < input.Length; offset += Base64Window / 2)
        {
            Scan(input.Span.Slice(offset, Math.Min(Base64Window / 2, input.Length - offset)));
            while (_chunkFill >= ChunkSize)
            {
                await FlushChunkAsync(ChunkSize);
            }
        }
    }

    /// <summary>The body ended: the last chunk goes to the sink, and what was read is returned.</summary>
    public async ValueTask<ScannedBody> FinishAsync()
    {
        if (_mode != Mode.Structure || _frames.Count != 0 || _document.Length == 0)
        {
            throw Refused(StatusCodes.Status400BadRequest, "The publish document is not complete JSON.");
        }

        if (_chunkFill > 0)
        {
            await FlushChunkAsync(_chunkFill);
        }

        return new ScannedBody(_document.ToArray(), _sawData ? _dataOffset : -1, _tarballLength, Chunks,
            Convert.ToHexStringLower(_sha1.GetHashAndReset()), _sha512.GetHashAndReset());
    }

    private void Scan(ReadOnlySpan<byte> input)
    {
        var i = 0;
        while (i < input.Length)
        {
            switch (_mode)
            {
                case Mode.Data:
                    i += ScanData(input[i..]);
                    break;
                case Mode.Value or Mode.Key:
                    i += ScanString(input[i..]);
                    break;
                default:
                    ScanStructure(input[i]);
                    i++;
                    break;
            }
        }
    }

    private void ScanStructure(byte b)
    {
        Keep(b);
        switch (b)
        {
            case (byte)'"' when _frames.Count > 0 && _frames[^1].IsObject && _expectKey:
                (_mode, _keyLength, _escaped) = (Mode.Key, 0, false);
                break;
            case (byte)'"' when IsAttachmentData():
                if (_sawData)
                {
                    throw Refused(StatusCodes.Status400BadRequest, "A staged publish must carry exactly one attachment, its tarball.");
                }

                (_mode, _sawData, _dataOffset) = (Mode.Data, true, _document.Length);
                break;
            case (byte)'"':
                (_mode, _escaped) = (Mode.Value, false);
                break;
            case (byte)'{' or (byte)'[':
                if (_frames.Count == MaxDepth)
                {
                    throw Refused(StatusCodes.Status400BadRequest, "The publish document is nested too deeply.");
                }

                _frames.Add(new Frame(b == '{', null));
                _expectKey = b == '{';
                break;
            case (byte)'}' or (byte)']' when _frames.Count > 0:
                _frames.RemoveAt(_frames.Count - 1);
                _expectKey = false;
                break;
            case (byte)',' when _frames.Count > 0:
                _expectKey = _frames[^1].IsObject;
                break;
        }
    }

    /// <summary>Inside a key or another string: kept as it came; a key's bytes are also read, to follow the path.</summary>
    private int ScanString(ReadOnlySpan<byte> input)
    {
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            Keep(b);
            if (_mode == Mode.Key && _keyLength < MaxKeyBytes)
            {
                _key[_keyLength++] = b;
            }

            if (_escaped)
            {
                _escaped = false;
            }
            else if (b == '\\')
            {
                _escaped = true;
            }
            else if (b == '"')
            {
                if (_mode == Mode.Key)
                {
                    _frames[^1] = _frames[^1] with { Key = KeyText() };
                    _expectKey = false;
                }

                _mode = Mode.Structure;
                return i + 1;
            }
        }

        return input.Length;
    }

    /// <summary>
    /// The attachment's base64: decoded and hashed, never kept in the document. JSON may spell a character as an escape
    /// (<c>\/</c>, <c>\u002B</c>: what some serialisers write for <c>/</c> and <c>+</c>); read as a parser reads it.
    /// </summary>
    private int ScanData(ReadOnlySpan<byte> input)
    {
        var i = 0;
        while (i < input.Length)
        {
            if (_escapeLength > 0)
            {
                i += ScanDataEscape(input[i..]);
                continue;
            }

            var rest = input[i..];
            var end = rest.IndexOfAny((byte)'"', (byte)'\\');
            AppendBase64(end < 0 ? rest : rest[..end]);
            if (end < 0)
            {
                return input.Length;
            }

            i += end + 1;
            if (rest[end] == '\\')
            {
                _escape[0] = (byte)'\\';
                _escapeLength = 1;
                continue;
            }

            Decode(final: true);
            Keep((byte)'"');
            _mode = Mode.Structure;
            return i;
        }

        return input.Length;
    }

    /// <summary>One escape inside the data: <c>\/</c> or <c>\uXXXX</c> naming a base64 character; anything else is not base64.</summary>
    private int ScanDataEscape(ReadOnlySpan<byte> input)
    {
        var i = 0;
        while (i < input.Length && _escapeLength < EscapeLength())
        {
            _escape[_escapeLength++] = input[i++];
        }

        if (_escapeLength < EscapeLength())
        {
            return i;
        }

        var text = Encoding.ASCII.GetString(_escape, 0, _escapeLength);
        var character = text == "\\/" ? '/'
            : text.Length == 6 && text[1] == 'u' && int.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code)
                ? (char)code : '\0';
        if (!char.IsAsciiLetterOrDigit(character) && character is not ('+' or '/' or '='))
        {
            throw Refused(StatusCodes.Status400BadRequest, "The tarball's data is not valid base64.");
        }

        AppendBase64([(byte)character]);
        _escapeLength = 0;
        return i;
    }

    /// <summary>Bytes an escape takes: <c>\uXXXX</c> six, any other two.</summary>
    private int EscapeLength() => _escapeLength >= 2 && _escape[1] == 'u' ? 6 : 2;

    private void AppendBase64(ReadOnlySpan<byte> content)
    {
        while (content.Length > 0)
        {
            var take = Math.Min(content.Length, Base64Window - _base64Fill);
            content[..take].CopyTo(_base64.AsSpan(_base64Fill));
            _base64Fill += take;
            content = content[take..];
            if (_base64Fill == Base64Window)
            {
                Decode(final: false);
            }
        }
    }

    /// <summary>Decodes whole quads, holding the last one back until the end (it may carry padding).</summary>
    private void Decode(bool final)
    {
        var usable = final ? _base64Fill : Math.Max(0, _base64Fill - (_base64Fill % 4) - 4);
        var status = Base64.DecodeFromUtf8(_base64.AsSpan(0, usable), _chunk.AsSpan(_chunkFill), out var consumed, out var written, isFinalBlock: final);
        if (status != OperationStatus.Done || consumed != usable)
        {
            throw Refused(StatusCodes.Status400BadRequest, "The tarball's data is not valid base64.");
        }

        _sha1.AppendData(_chunk, _chunkFill, written);
        _sha512.AppendData(_chunk, _chunkFill, written);
        _chunkFill += written;
        _tarballLength += written;
        if (_tarballLength > _maxTarball)
        {
            throw Refused(StatusCodes.Status413PayloadTooLarge, $"The tarball is larger than this gateway stages ({_maxTarball} bytes, Gateway:Staging:MaxTarballBytes).");
        }

        _base64.AsSpan(usable, _base64Fill - usable).CopyTo(_base64);
        _base64Fill -= usable;
    }

    private async ValueTask FlushChunkAsync(int length)
    {
        await _writeChunk(_chunk.AsMemory(0, length));
        Chunks++;
        _chunk.AsSpan(length, _chunkFill - length).CopyTo(_chunk);
        _chunkFill -= length;
    }

    private void Keep(byte b)
    {
        if (_document.Length >= _maxDocument)
        {
            throw Refused(StatusCodes.Status413PayloadTooLarge,
                $"The publish document, apart from its tarball, is larger than this gateway stages ({_maxDocument} bytes, Gateway:Staging:MaxDocumentBytes).");
        }

        _document.WriteByte(b);
    }

    /// <summary>At <c>_attachments.&lt;any&gt;.data</c> of the root object, as a value.</summary>
    private bool IsAttachmentData() =>
        _frames is [{ IsObject: true, Key: "_attachments" }, { IsObject: true }, { IsObject: true, Key: "data" }] && !_expectKey;

    /// <summary>A key's text as a JSON parser reads it (escapes included); one too long to be a key the path follows reads as none.</summary>
    private string? KeyText()
    {
        if (_keyLength >= MaxKeyBytes)
        {
            return null;
        }

        var raw = _key.AsSpan(0, _keyLength - 1);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var quoted = new byte[_keyLength + 1];
        quoted[0] = (byte)'"';
        _key.AsSpan(0, _keyLength).CopyTo(quoted.AsSpan(1));
        try
        {
            return JsonSerializer.Deserialize<string>(quoted);
        }
        catch (JsonException)
        {
            throw Refused(StatusCodes.Status400BadRequest, "The publish document is not valid JSON.");
        }
    }

    private static ClientInputException Refused(int status, string message) => new(status, message);

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_base64);
        _sha1.Dispose();
        _sha512.Dispose();
        _document.Dispose();
    }

    private readonly record struct Frame(bool IsObject, string? Key);
}

/// <summary>
/// What <see cref="PublishBodyScanner"/> read: the document without the tarball's base64 (<see cref="DataOffset"/> is where
/// it belongs, between the quotes; -1 when there was no data string), and the tarball's length, chunk count and hashes.
/// </summary>
internal sealed record ScannedBody(byte[] Document, long DataOffset, long TarballLength, int Chunks, string Sha1Hex, byte[] Sha512);
