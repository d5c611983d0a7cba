using System.Text.Json;
using Gateway.Policy;

namespace Gateway.Pipeline;

/// <summary>
/// Reads a request body for classification only when it is small and of known length, and rewinds it
/// so the proxy still forwards every byte. A publish (large or chunked) is never read.
/// </summary>
internal static class BodyReader
{
    public static async Task<RequestBody> ReadSmallJsonAsync(HttpRequest request, int maxBytes, CancellationToken cancellation)
    {
        if (request.ContentLength is not { } length || length > maxBytes || length == 0)
        {
            return RequestBody.Unavailable;
        }

        request.EnableBuffering(bufferThreshold: maxBytes, bufferLimit: maxBytes);
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, cancellation);
            return RequestBody.Parsed(document.RootElement.Clone());
        }
        catch (JsonException)
        {
            return RequestBody.Unavailable;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
