using BenchmarkDotNet.Attributes;
using Gateway.Policy;

namespace Gateway.Microbench;

/// <summary>
/// The request-target check every request pays (issue 9): the shipped vectorised <see cref="TargetSyntax.IsPlain"/>
/// against the per-character loop it replaced (kept here, verbatim, as the baseline), and the path parse of a read.
/// </summary>
[MemoryDiagnoser]
public class TargetSyntaxBenchmarks
{
    [Params("/bench-pkg", "/@types%2fnode/-/node-22.10.1.tgz", "/-/v1/search?text=keywords:react%20hooks&size=20&from=0")]
    public string Target { get; set; } = "";

    [Benchmark(Baseline = true)]
    public bool IsPlainScalarLoop() => ScalarIsPlain(Target);

    [Benchmark]
    public bool IsPlain() => TargetSyntax.IsPlain(Target);

    [Benchmark]
    public string[] ParsePath() => RequestPath.Parse(Target).Segments;

    private static bool ScalarIsPlain(ReadOnlySpan<char> target)
    {
        if (target.IsEmpty || target[0] != '/')
        {
            return false;
        }

        for (var i = 0; i < target.Length; i++)
        {
            var c = target[i];
            if (c == '%')
            {
                if (i + 2 >= target.Length || !char.IsAsciiHexDigit(target[i + 1]) || !char.IsAsciiHexDigit(target[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (!IsAllowed(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAllowed(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')'
            or '*' or '+' or ',' or ';' or '=' or ':' or '@' or '/' or '?';
}
