namespace Gateway.Policy;

/// <summary>
/// The loaded route policy: classifies a request by method, normalised path and, only where a rule asks,
/// a small JSON body. Immutable; a reload builds a new one.
/// </summary>
public sealed class RoutePolicy
{
    private static readonly HashSet<string> ReadMethods = new(StringComparer.OrdinalIgnoreCase) { "GET", "HEAD", "OPTIONS" };

    private readonly Dictionary<string, RouteRule[]> _rulesByMethod;

    /// <summary>Rules whose methods include <c>*</c>: tried, in file order, for every method that is not a read.</summary>
    private readonly RouteRule[] _anyWriteRules;

    public RoutePolicy(string source, IReadOnlyList<RouteRule> rules, int maxBodyBytes)
    {
        Source = source;
        Rules = rules;
        MaxBodyBytes = maxBodyBytes;
        _anyWriteRules = rules.Where(rule => rule.Methods.Contains(RouteRule.AnyWriteMethod)).ToArray();
        _rulesByMethod = rules
            .SelectMany(rule => rule.Methods.Where(m => m != RouteRule.AnyWriteMethod).Select(method => (method, rule)))
            .GroupBy(x => x.method, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(
                g => g.Key,
                g => g.Select(x => x.rule).Concat(IsReadMethod(g.Key) ? [] : _anyWriteRules).Distinct().OrderBy(r => r.Index).ToArray(),
                StringComparer.OrdinalIgnoreCase);
    }

    public string Source { get; }

    public IReadOnlyList<RouteRule> Rules { get; }

    /// <summary>Bodies larger than this are never read for classification.</summary>
    public int MaxBodyBytes { get; }

    public static bool IsReadMethod(string method) => ReadMethods.Contains(method);

    /// <summary>
    /// Classifies a request. When the first rule that matches the path needs the body and the body has
    /// not been read, returns null and sets <paramref name="needsBody"/>; call again with the body.
    /// </summary>
    public RequestClassification? Classify(string method, RequestPath path, RequestBody body, out bool needsBody)
    {
        needsBody = false;
        string? package = null;
        if (_rulesByMethod.TryGetValue(method, out var rules) || (!IsReadMethod(method) && (rules = _anyWriteRules).Length > 0))
        {
            foreach (var rule in rules)
            {
                if (!rule.Path.TryMatch(path.Segments, out var matchedPackage, out var pathUser, out var organisation))
                {
                    continue;
                }

                package ??= matchedPackage;
                if (rule.Body is not null)
                {
                    if (body.State == RequestBodyState.NotRead)
                    {
                        needsBody = true;
                        return null;
                    }

                    if (body.State != RequestBodyState.Parsed || !rule.Body.IsSatisfiedBy(body.Json))
                    {
                        continue;
                    }
                }

                return new RequestClassification(rule.Action, matchedPackage, rule.Class, rule.Describe(), pathUser, rule.AccountKey, rule.FollowUp, rule.SideDoor, rule.IsGovernance, organisation);
            }
        }

        // Fail safe: a mutating request that no rule names is a write, so a new or misspelled route
        // can never bypass the second factor.
        return IsReadMethod(method) ? RequestClassification.UnknownRead : RequestClassification.UnknownWrite(package);
    }
}
