using System.Buffers;
using System.Text.Json;

namespace Gateway.TwoFactor;

/// <summary>
/// Reads an <see cref="ApprovalSummary"/> from a request body with a streaming <see cref="Utf8JsonReader"/> over
/// a fixed window, so a 100 MB publish costs the window, not the body. A string longer than the window (a
/// tarball's base64 <c>data</c> in <c>_attachments</c>, a long readme) is skipped byte by byte and read as
/// <c>""</c>: nothing of it is held. A body that is not JSON, or whose keys do not fit the window, is
/// <see cref="ApprovalSummary.Unreadable"/>: the page says so, and the approval still binds its bytes.
/// </summary>
internal static class ApprovalSummaryReader
{
    public const int WindowSize = 64 * 1024;

    public static async Task<ApprovalSummary> ReadAsync(Stream body, CancellationToken cancellation, int windowSize = WindowSize)
    {
        var window = ArrayPool<byte>.Shared.Rent(windowSize);
        try
        {
            var collector = new ApprovalSummaryCollector();
            var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 });
            var length = 0;
            var final = false;
            while (true)
            {
                if (!final)
                {
                    var read = await body.ReadAsync(window.AsMemory(length, windowSize - length), cancellation);
                    final = read == 0;
                    length += read;
                }

                var consumed = collector.Feed(window.AsSpan(0, length), final, ref state);
                if (final)
                {
                    return collector.Result();
                }

                window.AsSpan(consumed, length - consumed).CopyTo(window);
                length -= consumed;
                if (length == windowSize)
                {
                    // The next token does not fit the window: only a string value may be skipped.
                    if (!collector.ExpectsValue || await SkipStringAsync(body, window.AsMemory(0, windowSize), length, cancellation) is not { } kept)
                    {
                        return ApprovalSummary.Unreadable;
                    }

                    length = kept;
                    collector.NextValueElided();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return ApprovalSummary.Unreadable; // not JSON, or a key that is not valid Unicode
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(window);
        }
    }

    /// <summary>
    /// The window starts with separators and the opening quote of a string longer than the window: drops the
    /// string's content (reading on from the body as needed), so the window holds <c>""</c> and what follows.
    /// </summary>
    /// <returns>The window's new length, or null when no string starts there or it never ends.</returns>
    private static async Task<int?> SkipStringAsync(Stream body, Memory<byte> window, int length, CancellationToken cancellation)
    {
        var quote = OpeningQuote(window.Span[..length]);
        if (quote < 0 || quote >= length - 1)
        {
            return null;
        }

        var kept = quote + 1;
        var escaped = false;
        var from = kept;
        while (true)
        {
            var closing = ClosingQuote(window.Span[from..length], ref escaped);
            if (closing >= 0)
            {
                closing += from;
                window.Span[closing..length].CopyTo(window.Span[kept..]);
                return kept + length - closing;
            }

            var read = await body.ReadAsync(window[kept..], cancellation);
            if (read == 0)
            {
                return null;
            }

            from = kept;
            length = kept + read;
        }
    }

    /// <summary>Where the string starts after the separators that may precede a value; -1 if it is not a string.</summary>
    private static int OpeningQuote(ReadOnlySpan<byte> window)
    {
        var at = window.IndexOfAnyExcept(" \t\r\n:,"u8);
        return at >= 0 && window[at] == '"' ? at : -1;
    }

    /// <summary>The unescaped closing quote in <paramref name="bytes"/>, or -1 (with the escape state carried on).</summary>
    private static int ClosingQuote(ReadOnlySpan<byte> bytes, ref bool escaped)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (escaped)
            {
                escaped = false;
                i++;
                continue;
            }

            var at = bytes[i..].IndexOfAny("\"\\"u8);
            if (at < 0)
            {
                return -1;
            }

            i += at;
            if (bytes[i] == '"')
            {
                return i;
            }

            escaped = true;
            i++;
        }

        return -1;
    }
}
