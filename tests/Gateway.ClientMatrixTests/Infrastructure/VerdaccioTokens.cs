using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Gateway.ClientMatrixTests.Infrastructure;

internal static class VerdaccioTokens
{
    /// <summary>How many tokens Verdaccio lists for the owner of <paramref name="token"/> (asked directly, not through the gateway).</summary>
    public static async Task<int> TokenCountAsync(this VerdaccioProcess verdaccio, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "-/npm/v1/tokens");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await verdaccio.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())?["objects"]?.AsArray().Count ?? 0;
    }
}
