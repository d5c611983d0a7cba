using System.Reflection;
using System.Text.RegularExpressions;
using Gateway.Audit;
using Gateway.Logging;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Logging;

/// <summary>
/// Event ids are what operators filter and alert on: each [LoggerMessage] of the gateway has its own,
/// and each is one of <see cref="LogEvents"/>, which lists every id once.
/// </summary>
public sealed partial class LogEventsTests
{
    private static readonly string Source = Path.Combine(RepoPaths.Root, "src", "Gateway");

    private static readonly IReadOnlyList<(string Method, int EventId)> LogMethods = FindLogMethods();

    private static readonly IReadOnlyList<(string Name, int Value)> Constants =
        typeof(LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (f.Name, (int)f.GetRawConstantValue()!))
            .ToList();

    [Fact]
    public void LogMethods_AreFound()
    {
        // Guards the checks below against a reflection that finds nothing.
        Assert.Contains(($"{typeof(AuditTrail).FullName}.LogEvent", LogEvents.AuditEvent), LogMethods);
        Assert.True(LogMethods.Count > 50, $"only {LogMethods.Count} [LoggerMessage] methods found");
    }

    [Fact]
    public void NoTwoLogMethods_ShareAnEventId()
    {
        var shared = LogMethods.GroupBy(m => m.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");

        Assert.Empty(shared);
    }

    [Fact]
    public void EveryLogMethod_UsesAnIdOfLogEvents()
    {
        var known = Constants.Select(c => c.Value).ToHashSet();

        var unknown = LogMethods.Where(m => !known.Contains(m.EventId)).Select(m => $"{m.Method} ({m.EventId})");

        Assert.Empty(unknown);
    }

    [Fact]
    public void EveryLogEventsId_IsUsedByALogMethod()
    {
        var used = LogMethods.Select(m => m.EventId).ToHashSet();

        var unused = Constants.Where(c => !used.Contains(c.Value)).Select(c => $"{c.Name} ({c.Value})");

        Assert.Empty(unused);
    }

    [Fact]
    public void LogEventsIds_AreUnique()
    {
        var shared = Constants.GroupBy(c => c.Value).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Name))}");

        Assert.Empty(shared);
    }

    [Fact]
    public void LogMethods_NameTheirIdFromLogEvents()
    {
        // Reflection sees only the number; a literal that happens to equal a constant is found in the source.
        var literals = SourceLines().Where(l => LiteralEventId().IsMatch(l.Text)).Select(l => l.Where);

        Assert.Empty(literals);
    }

    [Fact]
    public void EveryLogCall_GoesThroughLoggerMessage()
    {
        // LogWarning(…) and friends log with event id 0, and Define/new EventId would number events
        // outside LogEvents, where the checks above cannot see them.
        var calls = SourceLines().Where(l => LogCallOutsideLoggerMessage().IsMatch(l.Text)).Select(l => l.Where);

        Assert.Empty(calls);
    }

    private static List<(string Method, int EventId)> FindLogMethods() =>
        typeof(LogEvents).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => ($"{m.Method.DeclaringType!.FullName}.{m.Method.Name}", m.Attribute!.EventId))
            .ToList();

    private static IEnumerable<(string Where, string Text)> SourceLines() =>
        Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(p => File.ReadLines(p).Select((text, i) => ($"{Path.GetRelativePath(Source, p)}:{i + 1}", text)));

    [GeneratedRegex(@"\[LoggerMessage\(.*EventId\s*=\s*-?\d")]
    private static partial Regex LiteralEventId();

    [GeneratedRegex(@"\.Log(?:Trace|Debug|Information|Warning|Error|Critical)\(|LoggerMessage\.Define|new EventId\(")]
    private static partial Regex LogCallOutsideLoggerMessage();
}
