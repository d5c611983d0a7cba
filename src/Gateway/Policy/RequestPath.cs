namespace Gateway.Policy;

/// <summary>
/// A request path split into decoded segments, so that every spelling of a package name is one identity:
/// <c>@s%2fn</c>, <c>%40s%2Fn</c>, <c>@s/n</c> and any hex case all become the segments <c>@s</c>, <c>n</c>.
/// </summary>
/// <remarks>
/// Each raw segment is percent-decoded exactly once (as the upstream registry does), a decoded <c>/</c>
/// splits it further, and empty and dot segments are dropped the way a server normalises them, so doubled
/// or trailing slashes and <c>..</c> tricks cannot produce a path that the policy reads differently from
/// the registry. The query string is not part of the path.
/// </remarks>
public sealed class RequestPath
{
    private RequestPath(string[] segments, bool hasDotSegments)
    {
        Segments = segments;
        HasDotSegments = hasDotSegments;
    }

    public string[] Segments { get; }

    /// <summary>
    /// The path had <c>.</c> or <c>..</c> segments (plain or percent-encoded). npm never sends them and
    /// servers resolve them differently, so the gateway refuses such a request rather than guess.
    /// </summary>
    public bool HasDotSegments { get; }

    public static RequestPath Parse(ReadOnlySpan<char> rawTarget)
    {
        var query = rawTarget.IndexOfAny('?', '#');
        if (query >= 0)
        {
            rawTarget = rawTarget[..query];
        }

        if (TryParsePlain(rawTarget) is { } plain)
        {
            return plain;
        }

        var segments = new List<string>(8);
        var hasDotSegments = false;
        foreach (var range in rawTarget.Split('/'))
        {
            var raw = rawTarget[range];
            if (raw.IndexOf('%') < 0)
            {
                hasDotSegments |= Append(segments, raw.ToString()); // nothing to decode (most reads)
                continue;
            }

            foreach (var part in Uri.UnescapeDataString(raw.ToString()).Split('/'))
            {
                hasDotSegments |= Append(segments, part);
            }
        }

        return new RequestPath(segments.ToArray(), hasDotSegments);
    }

    /// <summary>
    /// The common case (nearly every read): no <c>%</c>, no dot segment, at most 15 slashes. Splits once into
    /// ranges on the stack and allocates only the segment strings and one array of the exact size.
    /// Anything else returns null and takes the general path above, which gives the same result for these.
    /// </summary>
    private static RequestPath? TryParsePlain(ReadOnlySpan<char> path)
    {
        if (path.Contains('%'))
        {
            return null;
        }

        Span<Range> ranges = stackalloc Range[16];
        var count = path.Split(ranges, '/');
        if (count == ranges.Length)
        {
            return null; // the last range may hold more slashes
        }

        var nonEmpty = 0;
        for (var i = 0; i < count; i++)
        {
            var segment = path[ranges[i]];
            if (segment.IsEmpty)
            {
                continue;
            }

            if (segment is "." or "..")
            {
                return null;
            }

            nonEmpty++;
        }

        var segments = new string[nonEmpty];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            var segment = path[ranges[i]];
            if (!segment.IsEmpty)
            {
                segments[n++] = segment.ToString();
            }
        }

        return new RequestPath(segments, hasDotSegments: false);
    }

    /// <returns>Whether the segment was a dot segment.</returns>
    private static bool Append(List<string> segments, string segment)
    {
        switch (segment)
        {
            case "":
                return false;
            case ".":
                return true;
            case "..":
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                return true;
            default:
                segments.Add(segment);
                return false;
        }
    }

    public override string ToString() => "/" + string.Join('/', Segments);
}
