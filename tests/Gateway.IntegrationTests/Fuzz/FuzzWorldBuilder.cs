using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// Sets the scene through the gateway the legitimate way (valid TOTP): alice (auth-and-writes) and bob
/// (auth-only) enrolled, a victim package with two versions and a dist-tag, a scoped victim, and one
/// spare token each that revoke variants aim at.
/// </summary>
internal static class FuzzWorldBuilder
{
    public const string VictimTag = "beta";

    public static async Task<FuzzWorld> BuildAsync(RegistryFixture registry, GatewayProcess gateway)
    {
        var alice = await gateway.EnrolAsync(await registry.CreateUserAsync("fuzzalice"), "auth-and-writes");
        var bob = await gateway.EnrolAsync(await registry.CreateUserAsync("fuzzbob"), "auth-only");
        var nobody = await registry.CreateUserAsync("fuzznobody"); // exists, not enrolled: naming it never creates a user
        var tarball = Convert.ToBase64String(Tarball("fuzz-victim", "0.0.0"));

        var plain = RegistryFixture.UniquePackageName("fuzz-victim");
        var scoped = RegistryFixture.UniquePackageName("fuzz-victim", "fuzz");
        foreach (var name in new[] { plain, scoped })
        {
            foreach (var version in new[] { "1.0.0", "1.1.0" })
            {
                await ExpectSuccessAsync(gateway.SendAsync(HttpMethod.Put, VerdaccioProcess.EncodeName(name), alice.Token,
                    await Totp.CodeAsync(alice.Secret), PublishDocument(name, version, tarball)));
            }

            await ExpectSuccessAsync(gateway.PutDistTagAsync(alice.Token, name, VictimTag, "1.0.0", await Totp.CodeAsync(alice.Secret)));
        }

        return new FuzzWorld(
            await ActorAsync(registry, "alice", alice, "auth-and-writes"),
            await ActorAsync(registry, "bob", bob, "auth-only"),
            nobody.Name,
            await VictimAsync(registry, plain),
            await VictimAsync(registry, scoped),
            tarball);
    }

    /// <summary>npm's publish document (docs/PROTOCOL.md#34-the-publish-document) for one version with a real tarball.</summary>
    public static JsonObject PublishDocument(string name, string version, string tarballBase64)
    {
        var file = $"{name.Split('/')[^1]}-{version}.tgz";
        return new JsonObject
        {
            ["_id"] = name,
            ["name"] = name,
            ["description"] = "fuzz victim",
            ["dist-tags"] = new JsonObject { ["latest"] = version },
            ["versions"] = new JsonObject
            {
                [version] = new JsonObject
                {
                    ["name"] = name,
                    ["version"] = version,
                    ["_id"] = $"{name}@{version}",
                    ["dist"] = new JsonObject { ["tarball"] = $"http://127.0.0.1/{name}/-/{file}" },
                },
            },
            ["access"] = null,
            ["_attachments"] = new JsonObject
            {
                [file] = new JsonObject
                {
                    ["content_type"] = "application/octet-stream",
                    ["data"] = tarballBase64,
                    ["length"] = Convert.FromBase64String(tarballBase64).Length,
                },
            },
        };
    }

    private static async Task<FuzzActor> ActorAsync(RegistryFixture registry, string label, TwoFactorUser user, string mode)
    {
        // Straight at Verdaccio: the spare token is scenery, not something the gateway is tested on here.
        using var request = new HttpRequestMessage(HttpMethod.Post, "-/npm/v1/tokens")
        {
            Content = new StringContent(
                new JsonObject { ["password"] = user.Password, ["readonly"] = false, ["cidr_whitelist"] = new JsonArray() }.ToJsonString(),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        using var response = await registry.Verdaccio.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var key = JsonNode.Parse(text)?["key"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"Spare token for {user.Name} not created: {(int)response.StatusCode} {text}");
        return new FuzzActor(label, user.Name, user.Password, user.Token, user.Secret, mode, key);
    }

    private static async Task<FuzzVictim> VictimAsync(RegistryFixture registry, string name)
    {
        var packument = await registry.Verdaccio.GetPackumentAsync(name) ?? throw new InvalidOperationException($"{name} was not published");
        var versions = packument["versions"]!.AsObject().Select(v => v.Key).ToList();
        return new FuzzVictim(name, packument["_rev"]?.GetValue<string>() ?? "0-0", versions, VictimTag, packument.ToJsonString());
    }

    private static async Task ExpectSuccessAsync(Task<HttpAnswer> request)
    {
        var answer = await request;
        if ((int)answer.Status is < 200 or > 299)
        {
            throw new InvalidOperationException($"Fuzz set-up request failed:\n{answer}");
        }
    }

    private static byte[] Tarball(string name, string version)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            var manifest = Encoding.UTF8.GetBytes($$"""{"name":"{{name}}","version":"{{version}}"}""");
            var entry = new UstarTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream(manifest) };
            tar.WriteEntry(entry);
        }

        return output.ToArray();
    }
}
