using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Fuzz;

/// <param name="Value">The credential itself: the report masks it, as it masks the actors' own secrets.</param>
internal sealed record LeakedCredential(string Value, string Description);

/// <summary>
/// Finds credentials for a 2FA user in a response: any <c>token</c> value (or JWT-shaped string) that
/// Verdaccio's own <c>/-/whoami</c> accepts as alice or bob, or a Verdaccio web-UI JWT whose signature
/// verifies with Verdaccio's secret and that names alice or bob (whoami does not take web JWTs while API
/// tokens are legacy AES ones, but the web UI does).
/// </summary>
internal sealed partial class CredentialDetector(VerdaccioProcess verdaccio, FuzzWorld world)
{
    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")]
    private static partial Regex JwtShape();

    public async Task<IReadOnlyList<LeakedCredential>> FindAsync(RawHttpResponse response)
    {
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        var text = response.BodyText;
        try
        {
            if (JsonNode.Parse(text) is { } json)
            {
                CollectTokenValues(json, candidates);
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            // not JSON (or with duplicate keys): only JWT-shaped strings can be found
        }

        foreach (var source in response.Headers.Select(h => h.Value).Append(text))
        {
            candidates.UnionWith(JwtShape().Matches(source).Select(m => m.Value));
        }

        candidates.ExceptWith(world.KnownTokens);
        var found = new List<LeakedCredential>();
        foreach (var candidate in candidates)
        {
            if (await WhoamiAsync(candidate) is { } user && IsTwoFactorUser(user))
            {
                found.Add(new(candidate, $"API token for {user} (accepted by Verdaccio's /-/whoami)"));
            }
            else if (WebJwtUser(candidate) is { } webUser && IsTwoFactorUser(webUser))
            {
                found.Add(new(candidate, $"web-UI JWT for {webUser} (signature verified with Verdaccio's secret)"));
            }
        }

        return found;
    }

    private bool IsTwoFactorUser(string user) => world.Actors.Any(a => a.Name == user);

    private static void CollectTokenValues(JsonNode node, HashSet<string> candidates)
    {
        switch (node)
        {
            case JsonObject json:
                foreach (var (key, value) in json)
                {
                    if (key.Contains("token", StringComparison.OrdinalIgnoreCase) && value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0)
                    {
                        candidates.Add(s);
                    }
                    else if (value is not null)
                    {
                        CollectTokenValues(value, candidates);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    CollectTokenValues(item, candidates);
                }

                break;
        }
    }

    private async Task<string?> WhoamiAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "-/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await verdaccio.Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(body)?["username"]?.GetValue<string>();
    }

    /// <summary>The <c>name</c> claim of an HS256 JWT signed with Verdaccio's secret (storage/.verdaccio-db.json), else null.</summary>
    private string? WebJwtUser(string token)
    {
        var parts = token.Split('.');
        var secretFile = Path.Combine(verdaccio.StoragePath, ".verdaccio-db.json");
        if (parts.Length != 3 || !File.Exists(secretFile)
            || JsonNode.Parse(File.ReadAllText(secretFile))?["secret"]?.GetValue<string>() is not { } secret)
        {
            return null;
        }

        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(signature, Base64Url(parts[2])))
        {
            return null;
        }

        return JsonNode.Parse(Base64Url(parts[1]))?["name"]?.GetValue<string>();
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
