using System.Text;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// Counts per action and the full story of every finding, with secrets masked by name. The trace (one line
/// per variant) is written as the run goes, so a long run can be watched with <c>tail -f</c>.
/// </summary>
internal sealed class FuzzReport(FuzzWorld world, int seed, TextWriter trace)
{
    private const int BodyLimit = 2048;

    private readonly Dictionary<string, (int Variants, int Changes, int Credentials)> _perAction = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _sendingPerAction = new(StringComparer.Ordinal);
    private readonly List<FuzzFinding> _findings = [];
    private readonly Dictionary<int, int> _statuses = [];

    private TimeSpan _sending;
    private TimeSpan _credentialChecks;
    private TimeSpan _stateChecks;

    public int Variants { get; private set; }


    public void AddTimes(FuzzVariant variant, TimeSpan sending, TimeSpan credentialChecks, TimeSpan stateChecks)
    {
        (_sending, _credentialChecks, _stateChecks) = (_sending + sending, _credentialChecks + credentialChecks, _stateChecks + stateChecks);
        _sendingPerAction[Key(variant)] = _sendingPerAction.GetValueOrDefault(Key(variant)) + sending;
    }

    private static string Key(FuzzVariant variant) => $"{variant.Action} ({variant.Actor.Label})";

    public int StateChanges => _findings.Count(f => f.StateChanges.Count > 0);

    public int Credentials => _findings.Count(f => f.Credentials.Count > 0);

    public IReadOnlyList<FuzzFinding> Findings => _findings;

    public void Record(FuzzVariant variant, RawHttpResponse response, FuzzFinding? finding)
    {
        Variants++;
        trace.WriteLine($"{variant.Index,6} {Key(variant),-42} {(response.Status == 0 ? "none" : response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} {(finding is null ? "" : "FINDING ")}{variant.Request.Method} {world.Mask(variant.Request.Target)} | {variant.Recipe}");
        _statuses[response.Status] = _statuses.GetValueOrDefault(response.Status) + 1;
        var key = Key(variant);
        var (v, c, k) = _perAction.GetValueOrDefault(key);
        _perAction[key] = (v + 1, c + (finding?.StateChanges.Count > 0 ? 1 : 0), k + (finding?.Credentials.Count > 0 ? 1 : 0));
        if (finding is not null)
        {
            _findings.Add(finding);
        }
    }

    public string Summary(TimeSpan elapsed) =>
        $"FUZZ SUMMARY: {Variants} variants, {StateChanges} state changes, {Credentials} credentials, seed {seed}, {elapsed.TotalSeconds:F0} s";

    public string Render(TimeSpan elapsed)
    {
        var text = new StringBuilder();
        foreach (var finding in _findings)
        {
            text.AppendLine(Describe(finding)).AppendLine();
        }

        text.AppendLine("per action: variants, state changes, credentials, mean time to answer");
        foreach (var (action, (v, c, k)) in _perAction.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"  {action,-40} {v,6} {c,6} {k,6} {_sendingPerAction.GetValueOrDefault(action).TotalMilliseconds / v,6:F0} ms");
        }

        text.AppendLine("gateway answers: " + string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "none" : s.Key)}×{s.Value}")));
        text.AppendLine($"time: sending {_sending.TotalSeconds:F1} s, credential checks {_credentialChecks.TotalSeconds:F1} s, state checks {_stateChecks.TotalSeconds:F1} s");
        text.AppendLine(Summary(elapsed));
        return text.ToString();
    }

    public string Describe(FuzzFinding finding)
    {
        var (variant, response) = (finding.Variant, finding.Response);
        var request = variant.Request;
        var text = new StringBuilder();
        text.AppendLine($"=== FINDING: variant {variant.Index} (seed {seed}), action {variant.Action}, as {variant.Actor.Label} ({variant.Actor.Mode}) ===");
        text.AppendLine($"recipe: {variant.Recipe}");
        foreach (var change in finding.StateChanges)
        {
            text.AppendLine($"STATE CHANGE: {change}");
        }

        foreach (var credential in finding.Credentials)
        {
            text.AppendLine($"CREDENTIAL: {credential.Description}");
        }

        text.AppendLine("--- request ---");
        text.AppendLine($"{request.Method} {request.Target} HTTP/1.1");
        foreach (var (name, value) in request.Headers)
        {
            text.AppendLine($"{name}: {value}");
        }

        text.AppendLine(request.Chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {request.Body.Length}");
        text.AppendLine().AppendLine(Printable(request.Body));
        text.AppendLine($"--- response: {(response.Status == 0 ? response.Failure : response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} ---");
        foreach (var (name, value) in response.Headers)
        {
            text.AppendLine($"{name}: {value}");
        }

        text.AppendLine().Append(Printable(response.Body));
        var masked = world.Mask(text.ToString());
        foreach (var credential in finding.Credentials)
        {
            masked = masked.Replace(credential.Value, "«leaked-credential»", StringComparison.Ordinal);
        }

        return masked;
    }

    /// <summary>Text when the bytes are text, else hex; truncated either way.</summary>
    private static string Printable(byte[] bytes)
    {
        var shown = bytes.AsSpan(0, Math.Min(bytes.Length, BodyLimit));
        var text = Encoding.UTF8.GetString(shown);
        var printable = text.All(c => c is '\n' or '\r' or '\t' || (c >= ' ' && c != '\uFFFD'));
        var body = printable ? text : "hex: " + Convert.ToHexString(shown);
        return bytes.Length > BodyLimit ? $"{body}… ({bytes.Length} bytes in all)" : body;
    }
}
