using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>Takes <see cref="RegistrySnapshot"/>s straight from Verdaccio's folder, its API and the gateway's Redis, and puts files back.</summary>
internal sealed class RegistryStateReader(VerdaccioProcess verdaccio, IDatabase redis, FuzzWorld world)
{
    private string HtpasswdPath => Path.Combine(Path.GetDirectoryName(verdaccio.StoragePath)!, "htpasswd");

    /// <param name="tokenListsFrom">
    /// Take the token lists from this snapshot instead of asking Verdaccio: every token-authenticated API call
    /// costs Verdaccio a bcrypt comparison (legacy AES tokens carry the password), and the lists also live in
    /// storage/.token-db.json, which is compared on every read anyway.
    /// </param>
    public async Task<RegistrySnapshot> ReadAsync(RegistrySnapshot? tokenListsFrom = null)
    {
        var files = new Dictionary<string, StoredFile>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(verdaccio.StoragePath, "*", SearchOption.AllDirectories))
        {
            if (await TryReadSharedAsync(path) is not { } content)
            {
                continue; // deleted while listing
            }

            files[Path.GetRelativePath(verdaccio.StoragePath, path)] = new StoredFile(content, Comparable(path, content));
        }

        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var actor in world.Actors)
        {
            tokens[actor.Label] = tokenListsFrom?.TokenLists[actor.Label] ?? await TokenListAsync(actor);
            records[actor.Label] = await TwoFactorRecordAsync(actor);
        }

        return new RegistrySnapshot(files, await ReadSharedAsync(HtpasswdPath), tokens, records);
    }

    /// <summary>Puts every storage file and the htpasswd back as they were in <paramref name="baseline"/>.</summary>
    public async Task RestoreAsync(RegistrySnapshot baseline)
    {
        foreach (var path in Directory.EnumerateFiles(verdaccio.StoragePath, "*", SearchOption.AllDirectories))
        {
            if (!baseline.Files.ContainsKey(Path.GetRelativePath(verdaccio.StoragePath, path)))
            {
                File.Delete(path);
            }
        }

        foreach (var (relative, file) in baseline.Files)
        {
            var path = Path.Combine(verdaccio.StoragePath, relative);
            if (!File.Exists(path) || !(await ReadSharedAsync(path)).AsSpan().SequenceEqual(file.Content))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, file.Content);
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(verdaccio.StoragePath, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }

        if (!(await ReadSharedAsync(HtpasswdPath)).AsSpan().SequenceEqual(baseline.Htpasswd))
        {
            await File.WriteAllBytesAsync(HtpasswdPath, baseline.Htpasswd);
        }
    }

    private static string Comparable(string path, byte[] content)
    {
        if (Path.GetFileName(path) == "package.json")
        {
            try
            {
                return StarBookkeeping.Strip(JsonNode.Parse(content)!).ToJsonString();
            }
            catch (System.Text.Json.JsonException)
            {
                // A torn or foreign file is compared by its bytes.
            }
        }

        return Convert.ToHexString(SHA256.HashData(content));
    }

    /// <summary>The keys and settings of the actor's tokens; "unreadable: …" when Verdaccio no longer accepts the actor's token.</summary>
    private async Task<string> TokenListAsync(FuzzActor actor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "-/npm/v1/tokens");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor.Token);
        using var response = await verdaccio.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || JsonNode.Parse(text)?["objects"] is not JsonArray objects)
        {
            return $"unreadable: {(int)response.StatusCode}";
        }

        return string.Join(", ", objects.Select(o => $"{o?["key"]}{(o?["readonly"]?.GetValue<bool>() == true ? " (read-only)" : "")}").Order(StringComparer.Ordinal));
    }

    private async Task<string> TwoFactorRecordAsync(FuzzActor actor)
    {
        var key = "gw:user:" + actor.Name; // the gateway's Store/StoreKeys.User
        var fields = await redis.HashGetAllAsync(key);
        var recovery = await redis.SetLengthAsync(key + ":recovery");
        return string.Join(", ", fields.Select(f => $"{f.Name}={Fingerprint(f.Value.ToString())}").Order(StringComparer.Ordinal)) + $"; recovery codes left: {recovery}";
    }

    /// <summary>Enough to see a change without printing a secret.</summary>
    private static string Fingerprint(string value) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..12];

    private static async Task<byte[]?> TryReadSharedAsync(string path)
    {
        try
        {
            return await ReadSharedAsync(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
