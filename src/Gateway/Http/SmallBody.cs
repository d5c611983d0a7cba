using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Http;

/// <summary>
/// Reads a small request body whole, the way a stranger cannot use to hold memory (docs/SECURITY.md, "Memory a
/// stranger can hold"): nothing is allocated for it until it has all arrived (never the declared length up front; not
/// <c>EnableBuffering</c> either, which rents a buffer of its whole threshold up front, nor a copy growing beside
/// the server's own buffers), at most a limit, and the whole body must arrive within
/// <see cref="MemoryOptions.SmallBodyTimeout"/>. What was read replaces the request's body, so a later reader (the
/// form binder, the proxy) gets every byte.
/// </summary>
internal static class SmallBody
{
    public enum Outcome
    {
        Read,
        TooLarge,
        TimedOut,
        Truncated,
    }

    /// <summary>The configured time limit, or its default where there is no container (unit tests of one class).</summary>
    public static TimeSpan Timeout(HttpContext context) =>
        context.RequestServices?.GetService<IOptions<MemoryOptions>>()?.Value.SmallBodyTimeout ?? new MemoryOptions().SmallBodyTimeout;

    /// <returns>
    /// <see cref="Outcome.Read"/> with the bytes (the request's body is now them); else why not: more than
    /// <paramref name="maxBytes"/>, not arrived within <paramref name="timeout"/> (the response is marked to close the
    /// connection rather than drain it), or ended before its Content-Length.
    /// </returns>
    public static async Task<(Outcome Outcome, byte[] Bytes)> ReadAsync(HttpRequest request, int maxBytes, TimeSpan timeout, CancellationToken cancellation)
    {
        var body = request.BodyReader;
        using var deadline = new CancellationTokenSource(timeout);
        // Not a cancelled read (which leaves what arrived unread, and the server then resets the connection instead
        // of sending the 408): the pending read returns what it has, marked cancelled, and that is consumed.
        await using var wake = deadline.Token.Register(body.CancelPendingRead);
        try
        {
            var bytes = request.ContentLength is null
                ? await ReadChunkedAsync(body, maxBytes, cancellation)
                : await ReadWholeAsync(body, maxBytes, cancellation);
            switch (bytes)
            {
                case null:
                    request.HttpContext.Response.Headers.Connection = "close";
                    return (Outcome.TooLarge, []);
                case { Length: 0 } when deadline.IsCancellationRequested:
                    request.HttpContext.Response.Headers.Connection = "close";
                    return (Outcome.TimedOut, []);
                default:
                    if (request.ContentLength is { } declared && bytes.Length != declared)
                    {
                        return (Outcome.Truncated, []);
                    }

                    request.Body = new MemoryStream(bytes, writable: false);
                    return (Outcome.Read, bytes);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit for this request was reached first.
            request.HttpContext.Response.Headers.Connection = "close";
            return (Outcome.TooLarge, []);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Kestrel's minimum data rate gave up on the body first: it stopped arriving, as for our own deadline.
            request.HttpContext.Response.Headers.Connection = "close";
            return (Outcome.TimedOut, []);
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException)
        {
            // The client went away or broke off its body: its own doing, not an error of the gateway's to log.
            request.HttpContext.Response.Headers.Connection = "close";
            return (Outcome.Truncated, []);
        }
    }

    public static string TimedOutMessage(TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"The request body did not arrive within {timeout.TotalSeconds:0.#} seconds.");

    /// <summary>
    /// The body to its end, left in the request's pipe until it is all there (Kestrel's pooled blocks, which hold what
    /// arrived whoever reads it), then copied once, at its real size; null once it is longer than
    /// <paramref name="maxBytes"/>; empty when the read was woken by the deadline (what arrived is consumed).
    /// </summary>
    private static async Task<byte[]?> ReadWholeAsync(PipeReader body, int maxBytes, CancellationToken cancellation)
    {
        while (true)
        {
            var result = await body.ReadAsync(cancellation);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                body.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCanceled)
            {
                body.AdvanceTo(buffer.End);
                return [];
            }

            if (result.IsCompleted)
            {
                var bytes = buffer.ToArray();
                body.AdvanceTo(buffer.End);
                return bytes;
            }

            body.AdvanceTo(buffer.Start, buffer.End); // nothing consumed, all examined: wait for more
        }
    }

    /// <summary>
    /// A body without a declared length (chunked; rare: browsers and npm declare lengths): consumed as it arrives
    /// into a buffer that grows with it, so that nothing is counted or held twice while the end is not known. Same
    /// results as <see cref="ReadWholeAsync"/>.
    /// </summary>
    private static async Task<byte[]?> ReadChunkedAsync(PipeReader body, int maxBytes, CancellationToken cancellation)
    {
        var arrived = new ArrayBufferWriter<byte>(256);
        while (true)
        {
            var result = await body.ReadAsync(cancellation);
            var buffer = result.Buffer;
            if (arrived.WrittenCount + buffer.Length > maxBytes)
            {
                body.AdvanceTo(buffer.End);
                return null;
            }

            foreach (var segment in buffer)
            {
                arrived.Write(segment.Span);
            }

            body.AdvanceTo(buffer.End);
            if (result.IsCanceled)
            {
                return [];
            }

            if (result.IsCompleted)
            {
                return arrived.WrittenSpan.ToArray();
            }
        }
    }
}
