using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Gateway.TwoFactor;

/// <summary>
/// The SHA-256 a web approval binds (docs/SECURITY.md, "Web approvals"): of every byte of the body, read once
/// from the start of the stream to its end. One exception, because npm itself makes it: a couch login's body
/// carries a <c>date</c> that npm sets anew on every try (<c>npm-profile</c>'s <c>loginCouch</c>), so for a
/// login the value of the top-level <c>date</c> member is left out; every other byte still counts.
/// </summary>
internal static class ApprovalBodyDigest
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>A couch login's body is a few hundred bytes; a bigger one is hashed whole.</summary>
    private const int LoginBodyLimit = ChunkSize - 1;

    /// <param name="login">The request is a couch login (route-policy action <c>login</c>).</param>
    /// <returns>Lower-case hex.</returns>
    public static async Task<string> ComputeAsync(Stream body, bool login, CancellationToken cancellation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var start = 0;
            if (login)
            {
                start = await FillAsync(body, chunk, LoginBodyLimit + 1, cancellation);
                if (start <= LoginBodyLimit)
                {
                    AppendWithoutDate(hash, chunk.AsSpan(0, start));
                    return Convert.ToHexStringLower(hash.GetHashAndReset());
                }

                hash.AppendData(chunk, 0, start);
            }

            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellation)) > 0)
            {
                hash.AppendData(chunk, 0, read);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task<int> FillAsync(Stream body, byte[] buffer, int count, CancellationToken cancellation)
    {
        var filled = 0;
        int read;
        while (filled < count && (read = await body.ReadAsync(buffer.AsMemory(filled, count - filled), cancellation)) > 0)
        {
            filled += read;
        }

        return filled;
    }

    /// <summary>The bytes around each top-level <c>date</c> value; a body that is not a JSON object counts whole.</summary>
    internal static void AppendWithoutDate(IncrementalHash hash, ReadOnlySpan<byte> body)
    {
        var from = 0;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("date"u8))
                {
                    reader.Read();
                    reader.Skip();
                    var valueStart = (int)reader.TokenStartIndex;
                    if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                    {
                        continue; // a date that is an object or array is not npm's: it counts in full
                    }

                    hash.AppendData(body[from..valueStart]);
                    from = (int)reader.BytesConsumed;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON the registry would take either: every byte counts.
        }

        hash.AppendData(body[from..]);
    }
}
