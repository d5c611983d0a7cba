namespace Gateway.Tests.Browser;

/// <summary>The rules of src/Gateway/Browser/Pages/README.md that the source itself shows.</summary>
public sealed class PageSourceTests
{
    private static readonly string Pages = Path.Combine(RepoPaths.Root, "src", "Gateway", "Browser", "Pages");

    [Fact]
    public void Pages_NeverWriteUnencodedMarkup()
    {
        var raw = Components().Where(c => c.Text.Contains("MarkupString", StringComparison.Ordinal)).Select(c => c.Name);

        Assert.Empty(raw);
    }

    [Fact]
    public void EveryComponent_IsInTheBrowserNamespace()
    {
        var elsewhere = Components().Where(c => !c.Text.StartsWith("@namespace Gateway.Browser\n", StringComparison.Ordinal)).Select(c => c.Name);

        Assert.Empty(elsewhere);
    }

    [Fact]
    public void OnlyTheLayout_NamesAScript()
    {
        var scripts = Components().Where(c => c.Text.Contains("<script", StringComparison.OrdinalIgnoreCase)).Select(c => c.Name);

        Assert.Equal(["PageLayout.razor"], scripts);
    }

    private static List<(string Name, string Text)> Components()
    {
        var components = Directory.EnumerateFiles(Pages, "*.razor", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p) != "_Imports.razor")
            .Select(p => (Path.GetFileName(p), File.ReadAllText(p).ReplaceLineEndings("\n")))
            .ToList();
        Assert.True(components.Count > 20, "the pages' components were not found"); // guards the checks above against an empty folder
        return components;
    }
}
