using System.Globalization;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Policy;
using Microsoft.Extensions.Options;

namespace Gateway.Npm;

/// <summary>
/// Reads a small request body the way the registry will, or says why it cannot. Only a body the registry
/// and the gateway are sure to read alike is ever used for a decision: UTF-8 JSON (<c>application/json</c>,
/// no charset but utf-8), no Content-Encoding, no byte order mark, no duplicate keys. The registry's
/// parser (Verdaccio: Express body-parser) honours any <c>utf-*</c> charset and inflates gzip/deflate, so
/// a body that is harmless as UTF-8 could mean something else to it (docs/SECURITY.md). The body is
/// kept so the proxy still forwards every byte; a publish (large or chunked) is never read.
/// <para>
/// A stranger can declare a small body and send it slowly, on thousands of connections (docs/SECURITY.md,
/// "Availability"): the buffer starts small and doubles only as bytes arrive (never the declared length up front, and
/// not <c>EnableBuffering</c>, whose buffer of the whole threshold is rented up front), and the whole body must
/// arrive within <see cref="MemoryOptions.SmallBodyTimeout"/>, else 408 and the connection is closed.
/// </para>
/// </summary>
internal static class BodyReader
{
    /// <summary>The first buffer: most bodies the gateway reads (logins, token requests, 2FA changes) fit in it.</summary>
    private const int FirstBufferBytes = 1024;

    private static readonly JsonDocumentOptions Strict = new()
    {
        AllowDuplicateProperties = false, // JSON.parse keeps the last copy; a reader that kept the first would disagree
        MaxDepth = 256,
    };

    /// <summary>A key escaped as a lone surrogate (<c>"\ud800"</c>) parses, but cannot be compared with a rule's keys.</summary>
    private static bool HasOnlyWellFormedKeys(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        try
        {
            foreach (var property in root.EnumerateObject())
            {
                _ = property.Name;
            }

            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// The body of a request the gateway's stages already hold: the one the classifier read, or read now (the
    /// same way) and kept in the <see cref="GatewayRequestFeature"/> for the stages after this one.
    /// </summary>
    public static async Task<RequestBody> ReadOnceAsync(HttpContext context, int maxBytes)
    {
        var feature = context.GatewayFeature();
        if (feature.Body is { } parsed)
        {
            return RequestBody.Parsed(parsed);
        }

        var body = await ReadSmallJsonAsync(context.Request, maxBytes, context.RequestAborted);
        if (body.State == RequestBodyState.Parsed)
        {
            feature.Body = body.Json;
        }

        return body;
    }

    /// <param name="timeout">How long the body may take to arrive; null: <see cref="MemoryOptions.SmallBodyTimeout"/> as configured.</param>
    public static async Task<RequestBody> ReadSmallJsonAsync(HttpRequest request, int maxBytes, CancellationToken cancellation, TimeSpan? timeout = null)
    {
        if (BodyEncoding.Check(request) is { } problem)
        {
            return problem;
        }

        if (request.ContentLength is not { } length || length > maxBytes || length == 0 || request.Headers.TransferEncoding.Count > 0)
        {
            return RequestBody.Unavailable;
        }

        var limit = timeout ?? request.HttpContext.RequestServices?.GetService<IOptions<MemoryOptions>>()?.Value.SmallBodyTimeout
            ?? new MemoryOptions().SmallBodyTimeout;
        byte[] bytes;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            deadline.CancelAfter(limit);
            try
            {
                bytes = await ReadGrowingAsync(request.Body, (int)length, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellation.IsCancellationRequested)
            {
                // The rest of the body is not read: close the connection rather than drain it.
                request.HttpContext.Response.Headers.Connection = "close";
                return RequestBody.Unreadable(StatusCodes.Status408RequestTimeout, string.Create(CultureInfo.InvariantCulture,
                    $"The request body did not arrive within {limit.TotalSeconds:0.#} seconds."));
            }
            catch (EndOfStreamException)
            {
                return RequestBody.Unreadable(StatusCodes.Status400BadRequest, "The request body is shorter than its Content-Length.");
            }
        }

        // What the proxy forwards, and what a later stage reads again.
        request.Body = new MemoryStream(bytes, writable: false);
        try
        {
            if (bytes.AsSpan().StartsWith("\uFEFF"u8))
            {
                return RequestBody.Unreadable(StatusCodes.Status400BadRequest, "The request body starts with a byte order mark; send plain UTF-8 JSON.");
            }

            using var document = JsonDocument.Parse(bytes, Strict);
            return HasOnlyWellFormedKeys(document.RootElement)
                ? RequestBody.Parsed(document.RootElement.Clone())
                : RequestBody.Unreadable(StatusCodes.Status400BadRequest, "The request body has a key that is not valid Unicode.");
        }
        catch (JsonException)
        {
            return RequestBody.Unreadable(StatusCodes.Status400BadRequest, "The request body is not valid JSON (or repeats a key); the gateway decides only on bodies it reads exactly as the registry does.");
        }
    }

    /// <summary>Exactly <paramref name="length"/> bytes, in a buffer that doubles as they arrive.</summary>
    /// <exception cref="EndOfStreamException">The body ended before <paramref name="length"/> bytes.</exception>
    private static async Task<byte[]> ReadGrowingAsync(Stream body, int length, CancellationToken cancellation)
    {
        var buffer = new byte[Math.Min(length, FirstBufferBytes)];
        var filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, buffer.Length * 2L));
            }

            var read = await body.ReadAsync(buffer.AsMemory(filled), cancellation);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            filled += read;
        }

        return buffer;
    }
}
