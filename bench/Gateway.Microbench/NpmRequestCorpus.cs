using System.Text.Json;

namespace Gateway.Microbench;

/// <summary>
/// ~30 requests as npm, pnpm and yarn send them: reads (most of the traffic) and the writes the policy
/// protects, in the scoped spellings the policy normalises (<c>@s%2fn</c>, <c>%40s%2Fn</c>, <c>@s/n</c>).
/// </summary>
internal static class NpmRequestCorpus
{
    public sealed record Request(string Method, string Target, string? Body = null);

    public static readonly Request[] All =
    [
        // reads
        new("GET", "/left-pad"),
        new("GET", "/@types%2fnode"),
        new("GET", "/@types%2Fnode"),
        new("GET", "/%40babel%2fcore"),
        new("GET", "/@babel/core"),
        new("HEAD", "/express"),
        new("GET", "/express/-/express-4.21.2.tgz"),
        new("GET", "/@types/node/-/node-22.10.1.tgz"),
        new("GET", "/@types%2fnode/-/node-22.10.1.tgz"),
        new("GET", "/react/latest"),
        new("GET", "/-/whoami"),
        new("GET", "/-/ping?write=true"),
        new("GET", "/-/v1/search?text=react&size=20"),
        new("GET", "/-/npm/v1/user"),
        new("GET", "/-/package/@s%2fn/dist-tags"),
        new("POST", "/-/npm/v1/security/advisories/bulk", "{\"react\":[\"18.3.1\"]}"),
        // writes
        new("PUT", "/bench-pkg", "{\"_id\":\"bench-pkg\",\"name\":\"bench-pkg\",\"versions\":{},\"_attachments\":{\"bench-pkg-1.0.0.tgz\":{\"data\":\"AAAA\"}}}"),
        new("PUT", "/@s%2fn", "{\"_id\":\"@s/n\",\"name\":\"@s/n\",\"versions\":{\"1.0.0\":{}}}"),
        new("PUT", "/%40s%2Fn", "{\"_id\":\"@s/n\",\"users\":{\"bob\":true}}"),
        new("PUT", "/left-pad/-rev/3-abc", "{\"_id\":\"left-pad\",\"_rev\":\"3-abc\",\"maintainers\":[]}"),
        new("DELETE", "/left-pad/-rev/3-abc"),
        new("DELETE", "/@s%2fn/-/@s/n-1.0.0.tgz/-rev/4-def"),
        new("PUT", "/-/package/@s%2fn/dist-tags/beta", "\"1.0.0\""),
        new("DELETE", "/-/package/left-pad/dist-tags/beta"),
        new("POST", "/-/package/@s%2fn/access", "{\"access\":\"restricted\"}"),
        new("PUT", "/-/user/org.couchdb.user:bob", "{\"name\":\"bob\",\"password\":\"x\"}"),
        new("POST", "/-/v1/login", "{}"),
        new("POST", "/-/npm/v1/tokens", "{\"password\":\"x\",\"readonly\":false}"),
        new("POST", "/-/npm/v1/user", "{\"tfa\":{\"mode\":\"auth-and-writes\",\"password\":\"x\"}}"),
        new("DELETE", "/-/user/token/abcdef"),
        new("PUT", "/-/org/acme/user", "{\"user\":\"bob\",\"role\":\"developer\"}"),
        new("PATCH", "/-/some/new/route"),
    ];

    /// <summary>The bodies parsed once, as the gateway would read them (small, known length).</summary>
    public static JsonElement?[] ParsedBodies() =>
        All.Select(r => r.Body is null ? (JsonElement?)null : JsonDocument.Parse(r.Body).RootElement.Clone()).ToArray();
}
