using System.Text;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>A response as read off the socket; <see cref="Status"/> 0 means no parsable answer (closed or timed out).</summary>
internal sealed record RawHttpResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, string? Failure = null)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static RawHttpResponse NoAnswer(string why) => new(0, [], [], why);
}
