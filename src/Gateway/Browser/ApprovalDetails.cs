using System.Globalization;
using Gateway.TwoFactor;
using static Gateway.Browser.Html;

namespace Gateway.Browser;

/// <summary>
/// What a web-OTP page shows of the request's body, from the summary its flow recorded when the request was
/// challenged (nothing is read at approval time): a publish's versions with their tarball's shasum and
/// integrity and its dist-tags, a deprecation's messages, the versions an unpublish keeps, a dist-tag's
/// name and version, an owner change's maintainers. Every value is HTML-encoded.
/// </summary>
internal static class ApprovalDetails
{
    public static string Render(BrowserFlow flow)
    {
        if (flow.Request is not { } request)
        {
            return "";
        }

        var body = request.BodySha256 is null ? ""
            : request.ContentLength is null or 0 ? """<p id="flow-no-body">No body.</p>"""
            : $"""<p>Body: <span id="flow-body-length">{request.ContentLength.Value.ToString("N0", CultureInfo.InvariantCulture)}</span> bytes, SHA-256 <code id="flow-body-sha256">{E(request.BodySha256)}</code></p>""";
        return body + (flow.Summary switch
        {
            null => "",
            { Readable: false } => """<p id="flow-unreadable" class="error">The gateway could not read this request's body as JSON, so it cannot show what it changes. Approve only if you know.</p>""",
            { } summary => ForAction(flow.Action, request, summary),
        });
    }

    private static string ForAction(string? action, RequestTarget request, ApprovalSummary summary) => action switch
    {
        "publish" or "publish-batch" => Rows(
            Row("Package", "flow-name", Code(summary.Name)),
            Row("Versions", "flow-versions", Versions(summary, v => $"""<code class="version">{E(v.Version)}</code> shasum <code class="shasum">{E(v.Shasum ?? "none")}</code> integrity <code class="integrity">{E(v.Integrity ?? "none")}</code>""")),
            Row("Dist-tags", "flow-dist-tags", DistTags(summary)),
            Row("Files", "flow-attachments", List(summary.Attachments, a => $"<code>{E(a)}</code>"))),
        "deprecate" => Rows(
            Row("Deprecation messages", "flow-deprecations", List(
                summary.Versions?.Where(v => v.Deprecated is not null).ToList(),
                v => $"""<code class="version">{E(v.Version)}</code>: {(v.Deprecated!.Length == 0 ? "<em>not deprecated</em>" : $"<q>{E(v.Deprecated)}</q>")}""")),
            More(summary)),
        "unpublish" when request.Method == "PUT" => Rows(
            Row("Versions that remain", "flow-versions", Versions(summary, v => $"""<code class="version">{E(v.Version)}</code>""")),
            Row("Dist-tags after", "flow-dist-tags", DistTags(summary)))
            + "<p>The version missing from this list is removed, with its tarball.</p>",
        "dist-tag-add" or "dist-tag-rm" => Rows(
            Row("Dist-tag", "flow-tag", Code(LastSegment(request.Target))),
            action == "dist-tag-add" ? Row("Version", "flow-tag-version", Code(summary.Value)) : ""),
        "owner" => Rows(Row("Maintainers after", "flow-maintainers", List(summary.Maintainers, m => $"<code>{E(m)}</code>"))),
        _ => "",
    };

    private static string Rows(params string[] rows) => $"""<dl id="flow-details">{string.Concat(rows)}</dl>""";

    private static string Row(string term, string id, string value) => $"""<dt>{E(term)}</dt><dd id="{id}">{value}</dd>""";

    private static string Code(string? value) => value is null ? "<em>none</em>" : $"<code>{E(value)}</code>";

    private static string Versions(ApprovalSummary summary, Func<VersionSummary, string> item) =>
        List(summary.Versions, item) + More(summary);

    private static string More(ApprovalSummary summary) =>
        summary.VersionCount > (summary.Versions?.Count ?? 0) ? $"<p>and {summary.VersionCount - summary.Versions!.Count} more versions</p>" : "";

    private static string DistTags(ApprovalSummary summary) =>
        List(summary.DistTags, t => $"""<code class="tag">{E(t.Key)}</code> → <code class="tag-version">{E(t.Value)}</code>""");

    private static string List<T>(IReadOnlyList<T>? items, Func<T, string> item) =>
        items is null || items.Count == 0 ? "<em>none</em>" : "<ul>" + string.Concat(items.Select(i => $"<li>{item(i)}</li>")) + "</ul>";

    /// <summary>The dist-tag of <c>/-/package/&lt;name&gt;/dist-tags/&lt;tag&gt;</c> (or Verdaccio's <c>/&lt;name&gt;/&lt;tag&gt;</c>), decoded.</summary>
    private static string LastSegment(string target)
    {
        var path = target.Split('?', 2)[0];
        return Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
    }
}
