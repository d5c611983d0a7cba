using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Audit;

namespace Gateway.Tests.Hosting;

/// <summary>Reads the operator endpoints of a host: the audit trail as JSON and the Prometheus text.</summary>
internal static class OperationsScrape
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The user's events, oldest first.</summary>
    public static async Task<IReadOnlyList<AuditEvent>> AuditAsync(HttpClient client, string user)
    {
        var events = await client.GetFromJsonAsync<List<AuditEvent>>($"/-/gateway/audit?user={user}&limit=1000", Web);
        return [.. Enumerable.Reverse(events!)];
    }

    public static async Task<Metrics> MetricsAsync(HttpClient client) => new(await client.GetStringAsync("/-/gateway/metrics"));

    /// <summary>One scrape: the sum of a metric's series whose labels include every given <c>name="value"</c>.</summary>
    public sealed record Metrics(string Text)
    {
        public double Sum(string metric, params string[] labels) =>
            Text.Split('\n')
                .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
                .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
                .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
