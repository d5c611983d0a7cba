using Gateway.Policy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Policy;

public sealed class RoutePolicyProviderTests : IDisposable
{
    /// <summary>A policy the gateway accepts: it must name every protected npm action, so the tests start from the shipped one.</summary>
    private static readonly string OneRule = File.ReadAllText(RepoPaths.RoutePolicy);

    private static readonly int ShippedRules = RoutePolicyParser.Load(RepoPaths.RoutePolicy).Rules.Count;

    /// <summary>The shipped policy and one more rule.</summary>
    private static readonly string TwoRules = OneRule.Replace(
        "\"rules\": [", "\"rules\": [\n    { \"action\": \"ping\", \"methods\": [\"GET\"], \"path\": \"/-/provider-test-ping\", \"class\": \"none\" },", StringComparison.Ordinal);

    private static readonly string Invalid = """{ "rules": [ { "action": "publish", "methods": ["put"] } ] }""";

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-policy-tests-").FullName;

    private string PolicyFile => Path.Combine(_directory, "route-policy.json");

    [Fact]
    public void Constructor_ValidFile_LoadsIt()
    {
        File.WriteAllText(PolicyFile, OneRule);

        using var provider = NewProvider();

        Assert.Equal(ShippedRules, provider.Current.Rules.Count);
        Assert.Equal(Path.GetFullPath(PolicyFile), provider.Current.Source);
    }

    [Fact]
    public void Constructor_InvalidFile_ThrowsPolicyFileException()
    {
        File.WriteAllText(PolicyFile, Invalid);

        var e = Assert.Throws<PolicyFileException>(NewProvider);

        Assert.Equal(Path.GetFullPath(PolicyFile), e.File);
        Assert.NotEmpty(e.Errors);
    }

    [Fact]
    public void Constructor_MissingFile_ThrowsPolicyFileException()
    {
        Assert.Throws<PolicyFileException>(NewProvider);
    }

    [Fact]
    public void Reload_FileRewrittenValid_UsesNewPolicyAndRaisesReloaded()
    {
        File.WriteAllText(PolicyFile, OneRule);
        using var provider = NewProvider();
        RoutePolicy? raised = null;
        provider.Reloaded += p => raised = p;

        File.WriteAllText(PolicyFile, TwoRules);
        provider.Reload();

        Assert.Equal(ShippedRules + 1, provider.Current.Rules.Count);
        Assert.Same(provider.Current, raised);
        var token = provider.Current.Classify("POST", RequestPath.Parse("/-/npm/v1/tokens"), RequestBody.NotRead, out _);
        Assert.Equal(ProtectionClass.Auth, token!.Class);
    }

    [Fact]
    public void Reload_FileRewrittenInvalid_KeepsLastGoodPolicy()
    {
        File.WriteAllText(PolicyFile, OneRule);
        using var provider = NewProvider();
        var good = provider.Current;
        var raised = false;
        provider.Reloaded += _ => raised = true;

        File.WriteAllText(PolicyFile, Invalid);
        provider.Reload();

        Assert.Same(good, provider.Current);
        Assert.False(raised);
    }

    [Fact]
    public void Reload_FileDeleted_KeepsLastGoodPolicy()
    {
        File.WriteAllText(PolicyFile, OneRule);
        using var provider = NewProvider();
        var good = provider.Current;

        File.Delete(PolicyFile);
        provider.Reload();

        Assert.Same(good, provider.Current);
    }

    [Fact]
    public void Reload_InvalidThenValid_PicksUpTheFixedFile()
    {
        File.WriteAllText(PolicyFile, OneRule);
        using var provider = NewProvider();

        File.WriteAllText(PolicyFile, Invalid);
        provider.Reload();
        File.WriteAllText(PolicyFile, TwoRules);
        provider.Reload();

        Assert.Equal(ShippedRules + 1, provider.Current.Rules.Count);
    }

    [Fact]
    public async Task FileWatcher_FileRewrittenValid_ReloadsByItself()
    {
        File.WriteAllText(PolicyFile, OneRule);
        using var provider = NewProvider();
        var reloaded = new TaskCompletionSource<RoutePolicy>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Reloaded += p =>
        {
            if (p.Rules.Count == ShippedRules + 1)
            {
                reloaded.TrySetResult(p);
            }
        };

        File.WriteAllText(PolicyFile, TwoRules);
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(5));

        // One rewrite can raise several change events; whichever reload ran last, it read the new file.
        Assert.Equal(ShippedRules + 1, provider.Current.Rules.Count);
    }

    [Fact]
    public async Task FileWatcher_FileRewrittenInvalid_KeepsLastGoodPolicy()
    {
        File.WriteAllText(PolicyFile, OneRule);
        using var provider = NewProvider();
        var good = provider.Current;

        File.WriteAllText(PolicyFile, Invalid);
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.Same(good, provider.Current);
    }

    private RoutePolicyProvider NewProvider() => new(PolicyFile, NullLogger<RoutePolicyProvider>.Instance);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
