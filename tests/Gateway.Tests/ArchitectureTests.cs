using System.Text.RegularExpressions;

namespace Gateway.Tests;

/// <summary>
/// The layering of docs/ARCHITECTURE.md ("Layers"), checked on the source: each folder of src/Gateway is one
/// namespace, and its <c>using Gateway.*</c> lines and namespace-qualified names are its dependencies.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Source = Path.Combine(RepoPaths.Root, "src", "Gateway");

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> Graph = new(ReadGraph);

    [Fact]
    public void EveryFolder_IsItsOwnNamespace()
    {
        var misplaced = CodeFiles()
            .Where(f => f.Folder != "." && NamespaceOf(f.Text) != "Gateway." + f.Folder)
            .Select(f => f.Path)
            .ToList();

        Assert.Empty(misplaced);
    }

    [Fact]
    public void OnlyTheStore_UsesTheRedisClient()
    {
        var users = CodeFiles().Where(f => f.Folder != "Store" && f.Text.Contains("StackExchange.Redis")).Select(f => f.Path);

        Assert.Empty(users);
    }

    /// <summary>
    /// npm actions are a closed vocabulary (Policy/NpmAction.cs): code compares <c>NpmAction</c> values, never an action's
    /// text, so renaming an action in config/route-policy.json cannot switch off what the gateway does for it.
    /// </summary>
    [Fact]
    public void NoCode_ComparesAnActionsText()
    {
        var comparisons = Directory.EnumerateFiles(Source, "*.*", SearchOption.AllDirectories)
            .Where(p => (p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".razor", StringComparison.Ordinal))
                && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(p => File.ReadLines(p).Select((line, i) => (Where: $"{Path.GetFileName(p)}:{i + 1}", Line: line)))
            .Where(l => ActionTextComparison().IsMatch(l.Line))
            .Select(l => $"{l.Where}: {l.Line.Trim()}")
            .ToList();

        Assert.Empty(comparisons);
    }

    [Fact]
    public void Folders_DependOnEachOtherWithoutACycle()
    {
        var cycle = FindCycle(Graph.Value);

        Assert.True(cycle is null, $"folder cycle: {string.Join(" → ", cycle ?? [])}");
    }

    [Theory]
    [InlineData("Npm", "Browser")]
    [InlineData("Browser", "Npm")]
    [InlineData("TwoFactor", "Npm")]
    [InlineData("TwoFactor", "Browser")]
    [InlineData("TwoFactor", "Http")]
    [InlineData("TwoFactor", "Errors")]
    [InlineData("Store", "TwoFactor")]
    [InlineData("Store", "Identity")]
    [InlineData("Store", "WebAuthn")]
    [InlineData("Policy", "Store")]
    [InlineData("Policy", "Http")]
    [InlineData("Accounts", "Store")]
    [InlineData("Store", "Audit")]
    [InlineData("Audit", "TwoFactor")]
    [InlineData("Audit", "Http")]
    [InlineData("Metrics", "Store")]
    [InlineData("TwoFactor", "Operations")]
    public void Folder_DoesNotDependOn(string folder, string forbidden)
    {
        var edges = Graph.Value.GetValueOrDefault(folder) ?? new Dictionary<string, string>();

        Assert.False(edges.ContainsKey(forbidden), $"{folder}/ depends on {forbidden}/ ({edges.GetValueOrDefault(forbidden)})");
    }

    [Fact]
    public void TheGraph_SeesDependencies()
    {
        // Guards the checks above against a reader that finds nothing.
        Assert.Contains("Store", Graph.Value["TwoFactor"].Keys);
        Assert.Contains("TwoFactor", Graph.Value["Npm"].Keys);
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ReadGraph()
    {
        var folders = CodeFiles().Select(f => f.Folder).Where(f => f != ".").ToHashSet();
        var graph = new Dictionary<string, Dictionary<string, string>>();
        foreach (var file in CodeFiles().Where(f => f.Folder != "."))
        {
            var edges = graph.TryGetValue(file.Folder, out var e) ? e : graph[file.Folder] = [];
            var code = WithoutCommentsAndStrings(file.Text);
            var named = UsingLine().Matches(code).Select(m => m.Groups[1].Value)
                .Concat(QualifiedName().Matches(code).Select(m => m.Groups[1].Value).Where(folders.Contains));
            foreach (var target in named.Where(t => t != file.Folder))
            {
                edges.TryAdd(target, Path.GetFileName(file.Path));
            }
        }

        return graph.ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, string>)g.Value);
    }

    private static List<string>? FindCycle(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            if (path.Contains(node))
            {
                return [.. path.SkipWhile(n => n != node), node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node)?.Keys ?? [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return graph.Keys.Select(Visit).FirstOrDefault(c => c is not null);
    }

    private static IEnumerable<(string Path, string Folder, string Text)> CodeFiles() =>
        Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(p => (p, FolderOf(p), File.ReadAllText(p)));

    private static string FolderOf(string path)
    {
        var relative = Path.GetRelativePath(Source, path).Split(Path.DirectorySeparatorChar);
        return relative.Length == 1 ? "." : relative[0];
    }

    private static string? NamespaceOf(string text) => FileNamespace().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    private static string WithoutCommentsAndStrings(string text) => StringLiteral().Replace(LineComment().Replace(text, ""), "\"\"");

    [GeneratedRegex(@"^using (?:static )?Gateway\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"(?<![\w.])(\w+)\.[A-Z]\w*")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"Action(?:\.Name)?\s*(?:==|!=)\s*""|Action(?:\.Name)?\s+is\s+(?:not\s+)?\(?""|case\s+""(?:publish|login|unpublish|owner|access|deprecate|token-create|dist-tag-add)""")]
    private static partial Regex ActionTextComparison();

    [GeneratedRegex(@"//.*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"@?\$?""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();
}
