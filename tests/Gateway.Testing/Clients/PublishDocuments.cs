using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Testing;

/// <summary>
/// npm's publish document (libnpmpublish: <c>_id</c>, <c>name</c>, <c>dist-tags</c>, one version, the tarball
/// base64-encoded in <c>_attachments</c>), with a real gzipped tarball, for tests that publish without the CLI.
/// </summary>
public static class PublishDocuments
{
    public static JsonObject Create(string name, string version, string tag = "latest")
    {
        var tarball = Tarball(name, version);
        var file = $"{name}-{version}.tgz";
        return new JsonObject
        {
            ["_id"] = name,
            ["name"] = name,
            ["description"] = "test package",
            ["dist-tags"] = new JsonObject { [tag] = version },
            ["versions"] = new JsonObject
            {
                [version] = new JsonObject
                {
                    ["_id"] = $"{name}@{version}",
                    ["name"] = name,
                    ["version"] = version,
                    ["dist"] = new JsonObject
                    {
                        ["shasum"] = Convert.ToHexStringLower(SHA1.HashData(tarball)),
                        ["integrity"] = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)),
                        ["tarball"] = $"http://localhost/{name}/-/{file}",
                    },
                },
            },
            ["access"] = null,
            ["_attachments"] = new JsonObject
            {
                [file] = new JsonObject
                {
                    ["content_type"] = "application/octet-stream",
                    ["data"] = Convert.ToBase64String(tarball),
                    ["length"] = tarball.Length,
                },
            },
        };
    }

    private static byte[] Tarball(string name, string version)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            var manifest = Encoding.UTF8.GetBytes($$"""{"name":"{{name}}","version":"{{version}}"}""");
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream(manifest) });
        }

        return output.ToArray();
    }
}
