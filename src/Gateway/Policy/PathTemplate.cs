namespace Gateway.Policy;

/// <summary>
/// A path template of the route policy, e.g. <c>/-/package/{package}/dist-tags/{tag}</c>.
/// </summary>
/// <remarks>
/// Segment kinds: a literal (<c>-rev</c>); a named parameter (<c>{rev}</c>, one segment); a literal
/// prefix with a parameter (<c>org.couchdb.user:{user}</c>); <c>{package}</c>, which takes two segments
/// when the first starts with <c>@</c> (a scoped name) and one otherwise; and a final catch-all
/// <c>{*rest}</c> (one or more segments). Literals compare ignoring case, as Express routes do; package names keep their case.
/// </remarks>
public sealed class PathTemplate
{
    private readonly Segment[] _segments;

    private PathTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>Parses a template; returns null and a reason when it is malformed.</summary>
    public static PathTemplate? TryParse(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text) || text[0] != '/')
        {
            error = "must start with '/'";
            return null;
        }

        var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var segments = new Segment[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var segment = Segment.TryParse(parts[i], isLast: i == parts.Length - 1, out error);
            if (segment is null)
            {
                error = $"segment '{parts[i]}' {error}";
                return null;
            }

            segments[i] = segment;
        }

        if (segments.Count(s => s.Kind == SegmentKind.Package) > 1)
        {
            error = "names {package} more than once";
            return null;
        }

        return new PathTemplate(text, segments);
    }

    /// <summary>Matches the whole path; on success gives the package name it names, if any.</summary>
    public bool TryMatch(string[] path, out string? package) => TryMatch(path, out package, out _, out _);

    /// <summary>
    /// Matches the whole path; on success gives the package name, the value of a <c>{user}</c> parameter (couch
    /// login names its user in the path) and the organisation an <c>{org}</c> or <c>{scope}</c> parameter names
    /// (org and team routes; without its <c>@</c>), if any.
    /// </summary>
    public bool TryMatch(string[] path, out string? package, out string? user, out string? organisation)
    {
        package = null;
        user = null;
        organisation = null;
        var p = 0;
        foreach (var segment in _segments)
        {
            switch (segment.Kind)
            {
                case SegmentKind.CatchAll:
                    return p < path.Length;
                case SegmentKind.Package:
                    if (!TryTakePackage(path, ref p, out package))
                    {
                        return false;
                    }

                    break;
                default:
                    if (p >= path.Length || !segment.Matches(path[p]))
                    {
                        return false;
                    }

                    if (segment.Name == "user")
                    {
                        user = path[p][segment.Literal.Length..];
                    }
                    else if (segment.Name is "org" or "scope")
                    {
                        organisation = path[p].TrimStart('@');
                    }

                    p++;
                    break;
            }
        }

        return p == path.Length;
    }

    private static bool TryTakePackage(string[] path, ref int p, out string? package)
    {
        package = null;
        if (p >= path.Length || path[p] == "-")
        {
            return false;
        }

        if (path[p].StartsWith('@'))
        {
            if (p + 1 >= path.Length || path[p].Length == 1 || path[p + 1] == "-")
            {
                return false;
            }

            package = path[p] + "/" + path[p + 1];
            p += 2;
            return true;
        }

        package = path[p];
        p++;
        return true;
    }

    public override string ToString() => Text;

    private enum SegmentKind
    {
        Literal,
        Parameter,
        PrefixedParameter,
        Package,
        CatchAll,
    }

    private sealed record Segment(SegmentKind Kind, string Literal, string Name = "")
    {
        public bool Matches(string value) => Kind switch
        {
            // Express (Verdaccio) routes ignore case, so /-/NPM/v1/tokens is the token route: matching
            // literals any other way would let a re-cased path fall to a weaker class.
            SegmentKind.Literal => string.Equals(value, Literal, StringComparison.OrdinalIgnoreCase),
            SegmentKind.Parameter => true,
            SegmentKind.PrefixedParameter => value.Length > Literal.Length && value.StartsWith(Literal, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

        public static Segment? TryParse(string text, bool isLast, out string? error)
        {
            error = null;
            var open = text.IndexOf('{');
            if (open < 0)
            {
                if (text.Contains('}'))
                {
                    error = "has '}' without '{'";
                    return null;
                }

                return new Segment(SegmentKind.Literal, text);
            }

            if (!text.EndsWith('}') || text.IndexOf('{', open + 1) >= 0 || open + 2 >= text.Length)
            {
                error = "must end with one '{name}' parameter";
                return null;
            }

            var name = text[(open + 1)..^1];
            var prefix = text[..open];
            if (name == "package")
            {
                return prefix.Length == 0 ? new Segment(SegmentKind.Package, "") : Fail("cannot prefix {package}", out error);
            }

            if (name.StartsWith('*'))
            {
                return prefix.Length == 0 && isLast
                    ? new Segment(SegmentKind.CatchAll, "")
                    : Fail("catch-all must be a whole, final segment", out error);
            }

            return prefix.Length == 0
                ? new Segment(SegmentKind.Parameter, "", name)
                : new Segment(SegmentKind.PrefixedParameter, prefix, name);
        }

        private static Segment? Fail(string reason, out string? error)
        {
            error = reason;
            return null;
        }
    }
}
