using System.Buffers;

namespace Gateway.Policy;

/// <summary>
/// Whether a request target is one the registry can only read one way. npm, pnpm, Yarn and Bun send origin-form
/// targets of RFC 3986 characters, with every other byte percent-encoded. Anything else is where readers part:
/// Express reads the path through <c>parseurl</c>, which falls back to Node's legacy <c>url.parse</c> when the
/// target holds a <c>#</c>, a space or a tab, and that parser turns every <c>\</c> into <c>/</c>, so
/// <c>/-\npm\v1\tokens#x</c> is Verdaccio's token route while any other reader sees one odd segment
/// (docs/SECURITY.md, "Deciding on the registry's bytes").
/// </summary>
public static class TargetSyntax
{
    /// <summary>
    /// True for an origin-form target (starts with <c>/</c>) made only of unreserved characters, sub-delimiters,
    /// <c>: @ / ?</c> and well-formed <c>%HH</c> escapes; false for <c>\</c>, <c>#</c>, spaces, controls, quotes,
    /// <c>&lt; &gt; ^ ` { | }</c>, non-ASCII, a malformed escape, or an absolute-form or <c>*</c> target.
    /// </summary>
    public static bool IsPlain(ReadOnlySpan<char> target)
    {
        if (target.IsEmpty || target[0] != '/')
        {
            return false;
        }

        // Vectorised: skip runs of allowed characters; stop only at a '%' (which must start a %HH escape)
        // or at a refused character. A read target usually has no '%' at all: one pass.
        while (true)
        {
            var i = target.IndexOfAnyExcept(Allowed);
            if (i < 0)
            {
                return true;
            }

            if (target[i] != '%' || i + 2 >= target.Length || !char.IsAsciiHexDigit(target[i + 1]) || !char.IsAsciiHexDigit(target[i + 2]))
            {
                return false;
            }

            target = target[(i + 3)..];
        }
    }

    /// <summary>Unreserved characters, sub-delimiters and <c>: @ / ?</c> (RFC 3986); <c>%</c> is checked apart.</summary>
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?");
}
