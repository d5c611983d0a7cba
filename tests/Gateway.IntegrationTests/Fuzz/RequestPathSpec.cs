namespace Gateway.IntegrationTests.Fuzz;

/// <summary>What a piece of a path is, which decides how the path speller may respell it.</summary>
internal enum PathPieceKind
{
    /// <summary>Fixed route text (<c>-</c>, <c>npm</c>, <c>org.couchdb.user:</c>): case and percent-encoding vary.</summary>
    Literal,

    /// <summary>A package name: every spelling npm or a server accepts (<c>@s%2fn</c>, <c>%40s%2Fn</c>, <c>@s/n</c>…).</summary>
    Package,

    /// <summary>A value (tag, rev, user name, file name): sent as given.</summary>
    Value,
}

internal sealed record PathPiece(string Text, PathPieceKind Kind);

/// <summary>A path as segments of pieces, kept structured until the speller renders it.</summary>
internal sealed record RequestPathSpec(IReadOnlyList<IReadOnlyList<PathPiece>> Segments)
{
    /// <summary>Strings are literal segments; <see cref="PathPiece"/>s and piece arrays are taken as they are.</summary>
    public static RequestPathSpec Of(params object[] segments) =>
        new(segments.Select(s => s switch
        {
            string text => (IReadOnlyList<PathPiece>)[new PathPiece(text, PathPieceKind.Literal)],
            PathPiece piece => [piece],
            PathPiece[] pieces => pieces,
            _ => throw new ArgumentException($"Not a path segment: {s}"),
        }).ToList());

    public static PathPiece Package(string name) => new(name, PathPieceKind.Package);

    public static PathPiece Value(string text) => new(text, PathPieceKind.Value);

    public static PathPiece Literal(string text) => new(text, PathPieceKind.Literal);
}
