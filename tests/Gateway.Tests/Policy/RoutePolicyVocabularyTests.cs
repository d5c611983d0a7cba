using Gateway.Policy;

namespace Gateway.Tests.Policy;

/// <summary>
/// The policy maps paths onto the gateway's closed vocabulary of npm actions (Policy/NpmAction.cs): the loader refuses, with
/// file, line and reason, a rule naming an unknown action, a rule giving an action less than its built-in minimum, and a
/// policy that leaves a protected npm action without any rule — at start and on reload.
/// </summary>
public sealed class RoutePolicyVocabularyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-vocabulary-tests-").FullName;

    private static string Shipped => File.ReadAllText(RepoPaths.RoutePolicy);

    [Fact]
    public void ShippedPolicy_NamesEveryProtectedNpmAction()
    {
        var named = RoutePolicyParser.Load(RepoPaths.RoutePolicy).Rules.Select(r => r.Action).ToHashSet();

        Assert.Empty(NpmAction.All.Where(a => a.MustBeMatched && !named.Contains(a)).Select(a => a.Name));
    }

    [Fact]
    public void Load_RenamedAction_IsRefusedWithFileLineAndReason()
    {
        var text = Shipped.Replace("\"action\": \"token-create\"", "\"action\": \"token-make\"", StringComparison.Ordinal);
        var line = LineOf(text, "\"token-make\"");

        var e = Assert.Throws<PolicyFileException>(() => RoutePolicyParser.Load(Write(text)));

        Assert.Contains(e.Errors, m => m.Contains($"route-policy.json:{line}: rules[", StringComparison.Ordinal)
            && m.Contains("\"action\" must be one of the gateway's npm actions", StringComparison.Ordinal) && m.Contains("\"token-make\"", StringComparison.Ordinal));
        // Renaming it also leaves the built-in action without a rule: said too, so nothing is switched off silently.
        Assert.Contains(e.Errors, m => m.Contains("no rule names the npm action 'token-create'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("web-login", "auth", "none")]
    [InlineData("token-create", "auth", "writes")]
    [InlineData("2fa-change", "auth", "none")]
    [InlineData("stage-approve", "auth", "writes")]
    [InlineData("stage-reject", "auth", "writes")]
    public void Load_ProtectedActionLoweredBelowItsMinimum_IsRefused(string action, string from, string to)
    {
        var text = LowerFirstRule(Shipped, action, from, to);

        var e = Assert.Throws<PolicyFileException>(() => RoutePolicyParser.Load(Write(text)));

        Assert.Contains(e.Errors, m => m.Contains($"'{action}': \"class\" may not be lower than '{from}' for {action}", StringComparison.Ordinal)
            && m.Contains($"route-policy.json:{LineOf(text, $"\"action\": \"{action}\"")}:", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_GovernanceActionWithoutGovernance_IsRefused()
    {
        var text = Shipped.Replace(
            """{ "action": "access", "methods": ["POST", "PUT"], "path": "/-/package/{package}/access", "class": "writes", "governance": true,""",
            """{ "action": "access", "methods": ["POST", "PUT"], "path": "/-/package/{package}/access", "class": "writes",""", StringComparison.Ordinal);
        Assert.NotEqual(Shipped, text);

        var e = Assert.Throws<PolicyFileException>(() => RoutePolicyParser.Load(Write(text)));

        Assert.Contains(e.Errors, m => m.Contains("access changes who may do what: the rule must say \"governance\": true", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ProtectedActionDeleted_IsRefused()
    {
        var lines = Shipped.Split('\n').Where(l => !l.Contains("\"action\": \"token-revoke\"", StringComparison.Ordinal));

        var e = Assert.Throws<PolicyFileException>(() => RoutePolicyParser.Load(Write(string.Join('\n', lines))));

        Assert.Contains(e.Errors, m => m.Contains("no rule names the npm action 'token-revoke'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ReadActionDeleted_IsAccepted()
    {
        // Class-none actions have nothing to switch off: an operator may leave them to the default read rule.
        var lines = Shipped.Split('\n').Where(l => !l.Contains("\"action\": \"search\"", StringComparison.Ordinal));

        var policy = RoutePolicyParser.Load(Write(string.Join('\n', lines)));

        Assert.DoesNotContain(policy.Rules, r => r.Action == NpmAction.Search);
    }

    [Fact]
    public void Reload_LoweredAction_KeepsTheLastGoodPolicy()
    {
        var file = Write(Shipped);
        using var provider = new RoutePolicyProvider(file, Microsoft.Extensions.Logging.Abstractions.NullLogger<RoutePolicyProvider>.Instance);
        var before = provider.Current;

        File.WriteAllText(file, LowerFirstRule(Shipped, "token-create", "auth", "none"));
        provider.Reload();

        Assert.Same(before, provider.Current);
        Assert.Equal(ProtectionClass.Auth, provider.Current.Classify("POST", RequestPath.Parse("/-/npm/v1/tokens"), RequestBody.NotRead, out _)!.Class);
    }

    [Fact]
    public void EveryRule_KnowsWhereItIsWritten()
    {
        var policy = RoutePolicyParser.Load(RepoPaths.RoutePolicy);
        var lines = File.ReadAllLines(RepoPaths.RoutePolicy);

        foreach (var rule in policy.Rules.Where(r => r.Source.StartsWith(RepoPaths.RoutePolicy, StringComparison.Ordinal)))
        {
            var line = int.Parse(rule.Source[(RepoPaths.RoutePolicy.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"\"action\": \"{rule.Action.Name}\"", lines[line - 1], StringComparison.Ordinal);
        }

        Assert.Contains(policy.Rules, r => r.Source.StartsWith(RepoPaths.RoutePolicy, StringComparison.Ordinal));
    }

    private static string LowerFirstRule(string text, string action, string from, string to)
    {
        var start = text.IndexOf($"\"action\": \"{action}\"", StringComparison.Ordinal);
        var classAt = text.IndexOf($"\"class\": \"{from}\"", start, StringComparison.Ordinal);
        Assert.True(start >= 0 && classAt > start);
        return text[..classAt] + $"\"class\": \"{to}\"" + text[(classAt + $"\"class\": \"{from}\"".Length)..];
    }

    private static int LineOf(string text, string needle) => text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    private string Write(string text)
    {
        var file = Path.Combine(_directory, "route-policy.json");
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
