using Gateway.Audit;
using static Gateway.Browser.Html;

namespace Gateway.Browser;

/// <summary>The account page's security history (like PyPI's): the signed-in user's newest audit events.</summary>
internal static partial class AccountPages
{
    private const int HistoryLength = 20;

    private static ValueTask<IReadOnlyList<AuditEvent>> LoadHistoryAsync(HttpContext context, string user) =>
        context.RequestServices.GetRequiredService<AuditTrail>().NewestAsync(user, HistoryLength, context.RequestAborted);

    private static string HistorySection(IReadOnlyList<AuditEvent> events) => $"""
        <section id="history">
        <h2>Security history</h2>
        {(events.Count == 0
            ? """<p id="no-history">No security events yet.</p>"""
            : "<table id=\"history-list\"><tr><th>When (UTC)</th><th>Event</th><th>Detail</th><th>Action</th><th>Package</th><th>From</th></tr>"
              + string.Concat(events.Select(e => $"""
                  <tr class="history-event"><td>{e.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td><td class="history-type">{E(e.Type)}</td><td>{E(e.Outcome)}</td><td>{E(e.Action)}</td><td>{E(e.Package)}</td><td>{E(e.Client)}</td></tr>
                  """))
              + "</table>")}
        </section>
        """;
}
