using Gateway.Policy;
using Microsoft.Net.Http.Headers;

namespace Gateway.Npm;

/// <summary>
/// The headers that decide how the registry decodes a body. The gateway reads a body only when they
/// leave no room for a second reading: exactly one Content-Type, <c>application/json</c>, no charset
/// other than utf-8, and no Content-Encoding other than identity.
/// </summary>
internal static class BodyEncoding
{
    /// <returns>Null when the body may be read; otherwise why not.</returns>
    public static RequestBody? Check(HttpRequest request)
    {
        var contentTypes = request.Headers.ContentType;
        if (contentTypes.Count != 1 || !MediaTypeHeaderValue.TryParse(contentTypes[0], out var contentType))
        {
            return Unsupported(contentTypes.Count > 1
                ? "The request has more than one Content-Type header."
                : "The request body needs Content-Type: application/json.");
        }

        if (!contentType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Unsupported($"The request body needs Content-Type: application/json, not {contentType.MediaType}.");
        }

        var charsets = contentType.Parameters.Where(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)).ToList();
        if (charsets.Count > 1 || (charsets.Count == 1 && !HeaderUtilities.RemoveQuotes(charsets[0].Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return Unsupported("The gateway accepts request bodies only in UTF-8 (charset=utf-8 or none).");
        }

        foreach (var line in request.Headers.ContentEncoding)
        {
            foreach (var coding in (line ?? "").Split(','))
            {
                if (!coding.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return Unsupported("The gateway does not accept a compressed (Content-Encoding) body for this request.");
                }
            }
        }

        return null;
    }

    private static RequestBody Unsupported(string problem) => RequestBody.Unreadable(StatusCodes.Status415UnsupportedMediaType, problem);
}
