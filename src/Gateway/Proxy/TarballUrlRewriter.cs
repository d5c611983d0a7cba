using System.Buffers;

namespace Gateway.Proxy;

/// <summary>
/// Points a packument's <c>dist.tarball</c> URLs at the gateway, on the bytes as they stream through: a JSON string value
/// of a <c>"tarball"</c> key that starts with one of the registry's bases gets the gateway's public URL instead of that
/// base, and nothing else changes (a README that mentions the registry's URL keeps it). Memory is one chunk plus a
/// carry of a few hundred bytes, whatever the packument's size.
/// </summary>
internal static class TarballUrlRewriter
{
    private static ReadOnlySpan<byte> Key => "\"tarball\""u8;

    /// <summary>JSON whitespace allowed around the key's colon; more than this and the value is left alone.</summary>
    private const int MaxWhitespace = 32;

    /// <summary>The most bytes <see cref="Rewrite"/> may leave unconsumed before the input's end.</summary>
    public static int MaxCarry(TarballUrlBases bases) => Key.Length + (2 * MaxWhitespace) + 2 + bases.Longest;

    /// <summary>
    /// Writes <paramref name="data"/> to <paramref name="output"/>, rewritten; unless <paramref name="final"/>, a tail that
    /// might begin a tarball URL is left for the next call (at most <see cref="MaxCarry"/> bytes).
    /// </summary>
    /// <returns>How many bytes of <paramref name="data"/> were consumed.</returns>
    public static int Rewrite(ReadOnlySpan<byte> data, bool final, TarballUrlBases bases, IBufferWriter<byte> output)
    {
        var emitted = 0;
        var searchFrom = 0;
        while (true)
        {
            var found = data[searchFrom..].IndexOf(Key);
            if (found < 0)
            {
                var safeEnd = final ? data.Length : Math.Max(emitted, data.Length - (Key.Length - 1));
                output.Write(data[emitted..safeEnd]);
                return safeEnd;
            }

            var key = searchFrom + found;
            switch (Match(data, key + Key.Length, bases, out var valueStart, out var matched))
            {
                case MatchResult.Incomplete when !final:
                    output.Write(data[emitted..key]);
                    return key;
                case MatchResult.Matched:
                    output.Write(data[emitted..valueStart]);
                    output.Write(bases.To);
                    emitted = valueStart + matched;
                    searchFrom = emitted;
                    break;
                default:
                    searchFrom = key + Key.Length;
                    break;
            }
        }
    }

    private enum MatchResult
    {
        NoMatch,
        Matched,
        Incomplete,
    }

    /// <summary>After the key: whitespace, a colon, whitespace, a quote, then one of the bases.</summary>
    private static MatchResult Match(ReadOnlySpan<byte> data, int at, TarballUrlBases bases, out int valueStart, out int matched)
    {
        valueStart = 0;
        matched = 0;
        at = SkipWhitespace(data, at);
        if (at < 0 || at >= data.Length)
        {
            return at < 0 ? MatchResult.NoMatch : MatchResult.Incomplete;
        }

        if (data[at] != (byte)':')
        {
            return MatchResult.NoMatch;
        }

        at = SkipWhitespace(data, at + 1);
        if (at < 0 || at >= data.Length)
        {
            return at < 0 ? MatchResult.NoMatch : MatchResult.Incomplete;
        }

        if (data[at] != (byte)'"')
        {
            return MatchResult.NoMatch;
        }

        valueStart = at + 1;
        var value = data[valueStart..];
        if (value.Length < bases.To.Length && bases.To.AsSpan().StartsWith(value))
        {
            return MatchResult.Incomplete; // it may yet turn out to be the gateway's own URL
        }

        var gateways = value.StartsWith(bases.To);
        var incomplete = false;
        foreach (var registryBase in bases.From)
        {
            if (value.StartsWith(registryBase) && !(gateways && bases.To.Length >= registryBase.Length))
            {
                matched = registryBase.Length;
                return MatchResult.Matched;
            }

            incomplete |= value.Length < registryBase.Length && registryBase.AsSpan().StartsWith(value);
        }

        return incomplete ? MatchResult.Incomplete : MatchResult.NoMatch;
    }

    /// <returns>The first non-whitespace position (<c>data.Length</c> when the data ends first), or -1 past <see cref="MaxWhitespace"/>.</returns>
    private static int SkipWhitespace(ReadOnlySpan<byte> data, int at)
    {
        var start = at;
        while (at < data.Length && data[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            if (++at - start > MaxWhitespace)
            {
                return -1;
            }
        }

        return at;
    }
}
