using System.IO.Compression;
using System.Text;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// Turns body text into bytes and the headers that describe them, varying what a parser differential feeds
/// on: Content-Type (and two of them), charset labels (and two of them), the real encoding, a UTF-8 BOM,
/// Content-Encoding with really compressed bytes, and chunked transfer without a Content-Length.
/// </summary>
internal static class BodyEncoder
{
    private static readonly string[] s_plainCharsets = ["", "utf-8", "UTF-8", "\"utf-8\"", "utf-16le", "utf-16be", "utf-16", "iso-8859-1", "latin1", "utf-7", "utf-8; charset=utf-7", "utf-7; charset=utf-8"];
    private static readonly string[] s_utf7Charsets = ["utf-7", "UTF-7", "\"utf-7\"", "utf-8; charset=utf-7", "utf-7; charset=utf-8", "unicode-1-1-utf-7"];
    private static readonly string[] s_mediaTypes = ["application/json", "application/json", "application/json", "application/json", "application/vnd.npm+json", "APPLICATION/JSON", "text/plain"];
    private static readonly string[] s_contentEncodings = ["gzip", "deflate", "br", "identity", "gzip, identity", "GZIP", "x-gzip"];

    public sealed record Encoded(byte[] Body, List<KeyValuePair<string, string>> Headers, bool Chunked);

    public static Encoded Encode(string text, string contentType, bool hiddenInUtf7, MutationDice dice, List<string> recipe)
    {
        var random = dice.Random;
        var headers = new List<KeyValuePair<string, string>>();
        if (text.Length == 0)
        {
            // Bodiless requests (DELETE) still sometimes carry a Content-Type, as some clients send.
            if (random.Next(4) == 0)
            {
                headers.Add(new("Content-Type", "application/json"));
            }

            return new([], headers, false);
        }

        if (contentType != "application/json")
        {
            headers.Add(new("Content-Type", contentType));
            return new(Encoding.UTF8.GetBytes(text), headers, dice.Roll(Mutation.Framing, 10, recipe, "chunked"));
        }

        // A hidden UTF-7 body is only a test when labelled UTF-7, so that label belongs to the shape mutation.
        var utf7 = hiddenInUtf7 && random.Next(100) < 80;
        var charset = utf7 ? s_utf7Charsets[random.Next(s_utf7Charsets.Length)] : s_plainCharsets[random.Next(s_plainCharsets.Length)];
        var mediaType = s_mediaTypes[random.Next(s_mediaTypes.Length)];
        var shape = random.Next(100);
        if (!dice.Allows(Mutation.MediaType))
        {
            (charset, mediaType, shape) = (utf7 ? charset : "", "application/json", 99);
        }

        var body = shape switch
        {
            < 5 => Form(text, headers, recipe),
            < 10 => Missing(text, recipe),
            < 20 => TwoContentTypes(text, mediaType, charset, headers, random, recipe),
            _ => Labelled(text, mediaType, charset, headers, random, recipe),
        };

        if (dice.Roll(Mutation.Framing, 8, recipe, "UTF-8 BOM"))
        {
            body = [0xEF, 0xBB, 0xBF, .. body];
        }

        if (dice.Roll(Mutation.ContentEncoding, 30))
        {
            var encoding = s_contentEncodings[random.Next(s_contentEncodings.Length)];
            headers.Add(new("Content-Encoding", encoding));
            body = Compress(body, encoding);
            recipe.Add($"Content-Encoding: {encoding}");
        }

        return new(body, headers, dice.Roll(Mutation.Framing, 8, recipe, "chunked"));
    }

    private static byte[] Labelled(string text, string mediaType, string charset, List<KeyValuePair<string, string>> headers, Random random, List<string> recipe)
    {
        headers.Add(new("Content-Type", charset.Length == 0 ? mediaType : $"{mediaType}; charset={charset}"));
        if (charset.Length > 0)
        {
            recipe.Add($"charset={charset}");
        }

        // Mostly the bytes match the label; sometimes they are UTF-8 whatever the label says.
        var encoding = random.Next(4) == 0 ? Encoding.UTF8 : EncodingFor(charset);
        return encoding.GetBytes(text);
    }

    private static byte[] TwoContentTypes(string text, string mediaType, string charset, List<KeyValuePair<string, string>> headers, Random random, List<string> recipe)
    {
        var real = $"{mediaType}; charset={(charset.Length == 0 ? "utf-7" : charset)}";
        var decoy = random.Next(2) == 0 ? "text/plain" : "application/json";
        var realFirst = random.Next(2) == 0;
        headers.Add(new("Content-Type", realFirst ? real : decoy));
        headers.Add(new("Content-Type", realFirst ? decoy : real));
        recipe.Add($"two Content-Types ({(realFirst ? real + " first" : real + " last")})");
        return Encoding.UTF8.GetBytes(text);
    }

    private static byte[] Form(string text, List<KeyValuePair<string, string>> headers, List<string> recipe)
    {
        headers.Add(new("Content-Type", "application/x-www-form-urlencoded"));
        recipe.Add("form-urlencoded");
        // JsonDocument, not JsonNode: the shaper may have written duplicate keys, and each becomes a field.
        IEnumerable<string> fields = [Uri.EscapeDataString(text)];
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text, new System.Text.Json.JsonDocumentOptions { MaxDepth = 1000 });
            if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                fields = document.RootElement.EnumerateObject()
                    .Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value.ValueKind == System.Text.Json.JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
                    .ToList();
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // not JSON (a hidden-UTF-7 body stays one field)
        }

        return Encoding.UTF8.GetBytes(string.Join('&', fields));
    }

    private static byte[] Missing(string text, List<string> recipe)
    {
        recipe.Add("no Content-Type");
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The encoding a charset label asks for (UTF-7 text here is plain ASCII, so its bytes are the text's).</summary>
    private static Encoding EncodingFor(string charset) => charset.Trim('"').Split(';')[0].ToLowerInvariant() switch
    {
        "utf-16le" or "utf-16" => Encoding.Unicode,
        "utf-16be" => Encoding.BigEndianUnicode,
        "iso-8859-1" or "latin1" => Encoding.Latin1,
        _ => new UTF8Encoding(false),
    };

    private static byte[] Compress(byte[] body, string contentEncoding)
    {
        using var output = new MemoryStream();
        var lower = contentEncoding.ToLowerInvariant();
        if (lower == "identity")
        {
            return body;
        }

        using (Stream compressor = lower switch
        {
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(body);
        }

        return output.ToArray();
    }
}
