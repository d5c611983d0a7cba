using System.Text.Json;
using System.Text.Unicode;
using Gateway.Configuration;
using Gateway.Http;
using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// Reads a small request body the way the registry will, or says why it cannot. Only a body the registry
/// and the gateway are sure to read alike is ever used for a decision: UTF-8 JSON (<c>application/json</c>,
/// no charset but utf-8), no Content-Encoding, no byte order mark, no duplicate keys, valid UTF-8 and no lone
/// surrogate escape in any key or string (what the stages read can always be read). The registry's
/// parser (Verdaccio: Express body-parser) honours any <c>utf-*</c> charset and inflates gzip/deflate, so
/// a body that is harmless as UTF-8 could mean something else to it (docs/SECURITY.md). The body is
/// kept so the proxy still forwards every byte; a publish (large or chunked) is never read.
/// A stranger can declare a small body and send it slowly, on thousands of connections: it is read by
/// <see cref="SmallBody"/> (grows as bytes arrive, 408 after <see cref="MemoryOptions.SmallBodyTimeout"/>).
/// </summary>
internal static class BodyReader
{
    private static readonly JsonDocumentOptions Strict = new()
    {
        AllowDuplicateProperties = false, // JSON.parse keeps the last copy; a reader that kept the first would disagree
        MaxDepth = 256,
    };

    private const string NotUnicode =
        "The request body has a key or string that is not valid Unicode (such as a lone surrogate escape like \\ud800); the gateway decides only on bodies it reads exactly as the registry does.";

    /// <summary>
    /// Every key and string of the document decodes to well-formed UTF-16. A lone surrogate escape (<c>"\ud800"</c>)
    /// parses, but reading it throws; JavaScript keeps it as it is. A body the stages could not read, or could read
    /// only unlike the registry, is refused here once rather than failing (500) wherever a stage reads it.
    /// </summary>
    private static bool IsWellFormed(JsonElement root)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(root);
        try
        {
            while (pending.TryPop(out var element))
            {
                switch (element.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var property in element.EnumerateObject())
                        {
                            _ = property.Name;
                            pending.Push(property.Value);
                        }

                        break;
                    case JsonValueKind.Array:
                        foreach (var item in element.EnumerateArray())
                        {
                            pending.Push(item);
                        }

                        break;
                    case JsonValueKind.String:
                        _ = element.GetString();
                        break;
                }
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

        var limit = timeout ?? SmallBody.Timeout(request.HttpContext);
        var (outcome, bytes) = await SmallBody.ReadAsync(request, (int)length, limit, cancellation);
        switch (outcome)
        {
            case SmallBody.Outcome.TimedOut:
                return RequestBody.Unreadable(StatusCodes.Status408RequestTimeout, SmallBody.TimedOutMessage(limit));
            case not SmallBody.Outcome.Read:
                return RequestBody.Unreadable(StatusCodes.Status400BadRequest, "The request body is shorter than its Content-Length.");
        }

        try
        {
            if (bytes.AsSpan().StartsWith("\uFEFF"u8))
            {
                return RequestBody.Unreadable(StatusCodes.Status400BadRequest, "The request body starts with a byte order mark; send plain UTF-8 JSON.");
            }

            if (!Utf8.IsValid(bytes))
            {
                // body-parser would read each bad byte as U+FFFD; the gateway reads no such body at all.
                return RequestBody.Unreadable(StatusCodes.Status400BadRequest, "The request body is not valid UTF-8.");
            }

            using var document = JsonDocument.Parse(bytes, Strict);
            return IsWellFormed(document.RootElement)
                ? RequestBody.Parsed(document.RootElement.Clone())
                : RequestBody.Unreadable(StatusCodes.Status400BadRequest, NotUnicode);
        }
        catch (JsonException)
        {
            return RequestBody.Unreadable(StatusCodes.Status400BadRequest, "The request body is not valid JSON (or repeats a key); the gateway decides only on bodies it reads exactly as the registry does.");
        }
        catch (InvalidOperationException)
        {
            // The repeated-key check decodes every key while parsing, and a lone surrogate escape cannot be decoded.
            return RequestBody.Unreadable(StatusCodes.Status400BadRequest, NotUnicode);
        }
    }
}
