using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Http;
using Gateway.Store;

namespace Gateway.Staging;

/// <summary>What a staged publish is, read from its document: the checks <c>npm publish</c> gets from a registry.</summary>
internal sealed record StagedPublish(string Package, string Version, string Tag, string Access, string Shasum, string Filename);

/// <summary>
/// Checks a scanned publish document (<see cref="PublishBodyScanner"/>) the way a registry checks a publish, and the
/// way npmjs checks a staged one: the package the path names, exactly one version, exactly one attachment (its tarball:
/// a provenance bundle cannot be staged), and a tarball whose <c>dist.shasum</c> and <c>dist.integrity</c> match its
/// bytes. Refusals are 400 with words that name the field (<see cref="ClientInputException"/>).
/// </summary>
internal static class StagedDocument
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    public static StagedPublish Read(ScannedBody body, string package)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body.Document, Strict);
        }
        catch (JsonException)
        {
            throw Malformed("The publish document is not valid JSON (or repeats a key).");
        }

        using (json)
        {
            return Read(json.RootElement, body, package);
        }
    }

    private static StagedPublish Read(JsonElement root, ScannedBody body, string package)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("The publish document must be a JSON object.");
        }

        if (!root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() != package)
        {
            throw Malformed($"The publish document's name must be {package}, the package the URL names.");
        }

        var (version, manifest) = Single(root, "versions", "A staged publish must contain exactly one version.");
        var (filename, attachment) = Single(root, "_attachments", "A staged publish must carry exactly one attachment, its tarball.");
        if (!StoreKeys.IsWellFormedVersion(version) || !manifest.TryGetProperty("version", out var named) || named.ValueKind != JsonValueKind.String || named.GetString() != version)
        {
            throw Malformed("The version's key and its manifest's version must be the same well-formed version.");
        }

        if (body.DataOffset < 0 || !attachment.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
        {
            throw Malformed("The attachment must carry the tarball as a base64 string in data.");
        }

        if (body.TarballLength == 0)
        {
            throw Malformed("The tarball is empty.");
        }

        if (attachment.TryGetProperty("length", out var length) && (length.ValueKind != JsonValueKind.Number || !length.TryGetInt64(out var declared) || declared != body.TarballLength))
        {
            throw Malformed($"The attachment's length does not match its tarball ({body.TarballLength} bytes).");
        }

        var shasum = CheckDigests(manifest, body);
        return new StagedPublish(package, version, Tag(root, version), Access(root), shasum, filename);
    }

    /// <summary>
    /// <c>dist.shasum</c> must be the tarball's SHA-1 and every SHA-512 or SHA-1 in <c>dist.integrity</c> must match; other
    /// algorithms in the integrity string are left for the registry.
    /// </summary>
    private static string CheckDigests(JsonElement manifest, ScannedBody body)
    {
        if (!manifest.TryGetProperty("dist", out var dist) || dist.ValueKind != JsonValueKind.Object
            || !dist.TryGetProperty("shasum", out var shasum) || shasum.ValueKind != JsonValueKind.String)
        {
            throw Malformed("The version's dist.shasum is missing.");
        }

        if (!string.Equals(shasum.GetString(), body.Sha1Hex, StringComparison.OrdinalIgnoreCase))
        {
            throw Malformed("The tarball does not match the version's dist.shasum.");
        }

        if (dist.TryGetProperty("integrity", out var integrity) && integrity.ValueKind != JsonValueKind.Null)
        {
            if (integrity.ValueKind != JsonValueKind.String)
            {
                throw Malformed("The version's dist.integrity must be a string.");
            }

            var sha1 = Convert.FromHexString(body.Sha1Hex);
            foreach (var entry in integrity.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var digest = entry.Split('?')[0];
                var expected = digest.StartsWith("sha512-", StringComparison.Ordinal) ? body.Sha512
                    : digest.StartsWith("sha1-", StringComparison.Ordinal) ? sha1 : null;
                if (expected is not null && !CryptographicOperations.FixedTimeEquals(Base64(digest[(digest.IndexOf('-') + 1)..]), expected))
                {
                    throw Malformed("The tarball does not match the version's dist.integrity.");
                }
            }
        }

        return body.Sha1Hex;
    }

    /// <summary>The tag npm staged it under: the document's one dist-tag (as a registry reads a publish: the first), else latest.</summary>
    private static string Tag(JsonElement root, string version)
    {
        if (!root.TryGetProperty("dist-tags", out var tags) || tags.ValueKind != JsonValueKind.Object)
        {
            return "latest";
        }

        foreach (var tag in tags.EnumerateObject())
        {
            if (tag.Value.ValueKind != JsonValueKind.String || tag.Value.GetString() != version || tag.Name.Length is 0 or > 256)
            {
                throw Malformed("The dist-tags of a staged publish must name its version.");
            }

            return tag.Name;
        }

        return "latest";
    }

    /// <summary>npm sends <c>access</c> as null, <c>public</c> or <c>restricted</c>; npmjs lists <c>public</c> or <c>private</c>.</summary>
    private static string Access(JsonElement root) =>
        !root.TryGetProperty("access", out var access) || access.ValueKind == JsonValueKind.Null ? "public"
        : access.ValueKind == JsonValueKind.String && access.GetString() is "public" ? "public"
        : access.ValueKind == JsonValueKind.String && access.GetString() is "restricted" or "private" ? "private"
        : throw Malformed("The publish document's access must be public or restricted.");

    private static (string Key, JsonElement Value) Single(JsonElement root, string property, string message)
    {
        if (!root.TryGetProperty(property, out var map) || map.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(message);
        }

        using var members = map.EnumerateObject();
        if (!members.MoveNext() || members.Current.Value.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(message);
        }

        var single = members.Current;
        return members.MoveNext() ? throw Malformed(message) : (single.Name, single.Value);
    }

    private static byte[] Base64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Malformed("The version's dist.integrity is not valid base64.");
        }
    }

    private static ClientInputException Malformed(string message) => new(StatusCodes.Status400BadRequest, message);
}
