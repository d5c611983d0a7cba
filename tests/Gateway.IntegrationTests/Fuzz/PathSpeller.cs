using System.Globalization;
using System.Text;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// Renders a <see cref="RequestPathSpec"/> in one of the many spellings a server may treat as the same route:
/// package-name encodings, hex case, upper-cased or percent-encoded literal segments, doubled and trailing
/// slashes, a query string, and the spellings only Node's legacy URL parser reads as a route: backslashes for
/// slashes with a fragment, space or tab in the target (Express's parseurl then falls back to url.parse).
/// </summary>
internal static class PathSpeller
{
    private static readonly string[] s_queries = ["?write=true", "?a=b", "?", "?write=true&write=false", "?%2F"];
    private static readonly string[] s_legacyParserTriggers = ["#x", "#", " ", "\t"];

    public static string Render(RequestPathSpec spec, MutationDice dice, List<string> recipe)
    {
        var random = dice.Random;
        var upperLiterals = dice.Roll(Mutation.Path, 8, recipe, "upper-case literal segments");
        var encodeLiteral = dice.Roll(Mutation.Path, 10, recipe, "percent-encoded literal character");
        var segments = spec.Segments
            .Select(pieces => string.Concat(pieces.Select(piece => piece.Kind switch
            {
                PathPieceKind.Package => SpellPackage(piece.Text, dice, recipe),
                PathPieceKind.Literal => SpellLiteral(piece.Text, random, upperLiterals, encodeLiteral),
                _ => piece.Text,
            })))
            .ToList();

        if (dice.Roll(Mutation.Path, 10, recipe, "doubled slash"))
        {
            segments.Insert(random.Next(segments.Count + 1), "");
        }

        var path = "/" + string.Join('/', segments);
        if (dice.Roll(Mutation.Path, 8, recipe, "trailing slash"))
        {
            path += "/";
        }

        if (dice.Roll(Mutation.Path, 12, recipe, "query string"))
        {
            path += s_queries[random.Next(s_queries.Length)];
        }

        // One mutation, not two: the backslashes only become slashes when the target also makes Express fall back
        // to url.parse, and a variant that changes one thing is the one that shows a bypass.
        if (dice.Roll(Mutation.Path, 8, recipe, "backslashes for slashes + fragment/space/tab (Node's legacy URL parser)"))
        {
            var first = path.IndexOf('/', 1);
            path = (first < 0 ? path : path[..first] + path[first..].Replace('/', '\\'))
                + s_legacyParserTriggers[random.Next(s_legacyParserTriggers.Length)];
        }
        else if (dice.Roll(Mutation.Path, 16, recipe, "fragment, space or tab in the target"))
        {
            path += s_legacyParserTriggers[random.Next(s_legacyParserTriggers.Length)];
        }

        return path;
    }

    private static string SpellPackage(string name, MutationDice dice, List<string> recipe)
    {
        var random = dice.Random;
        if (!name.StartsWith('@'))
        {
            return dice.Roll(Mutation.Path, 16, recipe, "percent-encoded '-' in the name") ? EncodeOneOf(name, '-', random) : name;
        }

        var slash = name.IndexOf('/');
        var (scope, bare) = (name[1..slash], name[(slash + 1)..]);
        var spelling = random.Next(6);
        recipe.Add($"scoped spelling {spelling}");
        return spelling switch
        {
            0 => $"@{scope}%2f{bare}",
            1 => $"%40{scope}%2F{bare}",
            2 => $"@{scope}/{bare}",
            3 => $"%40{scope}%2f{bare}",
            4 => $"@{scope}%2F{bare}",
            _ => $"%40{scope}/{bare}",
        };
    }

    private static string SpellLiteral(string text, Random random, bool upper, bool encode)
    {
        if (upper && text.Any(char.IsLetter))
        {
            text = text.ToUpperInvariant();
        }

        return encode && text.Length > 0 ? EncodeOneOf(text, text[random.Next(text.Length)], random) : text;
    }

    /// <summary>Percent-encodes the first <paramref name="target"/> in <paramref name="text"/>, in upper or lower hex.</summary>
    private static string EncodeOneOf(string text, char target, Random random)
    {
        var at = text.IndexOf(target);
        if (at < 0)
        {
            return text;
        }

        var hex = ((int)target).ToString(random.Next(2) == 0 ? "X2" : "x2", CultureInfo.InvariantCulture);
        return new StringBuilder(text).Remove(at, 1).Insert(at, "%" + hex).ToString();
    }
}
