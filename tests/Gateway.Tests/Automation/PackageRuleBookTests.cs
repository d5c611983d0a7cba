using Gateway.Automation;
using Gateway.Store;
using Gateway.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Automation;

/// <summary>
/// Maintainers' package rules are cached in process: a protected write needs no store read for its rule once warm,
/// and a rule set on one instance reaches every other instance's cache through the store's channel.
/// </summary>
public abstract class PackageRuleBookTests(IStoreFixture store) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gw-rules-" + Guid.NewGuid().ToString("N"));
    private readonly string _package = "cached-" + Guid.NewGuid().ToString("N")[..8];

    private PackageRuleBook NewInstance() =>
        new(new PackageRules(store.Multiplexer, StoreGuard.Create(TimeProvider.System)),
            new PackageRulesProvider(Path.Combine(_folder, "package-rules.json"), NullLogger<PackageRulesProvider>.Instance));

    [Fact]
    public async Task RuleSetOnAnotherInstance_ReachesThisInstancesCache_AndThisInstanceSeesItsOwnAtOnce()
    {
        using var here = NewInstance();
        using var there = NewInstance();
        Assert.Equal(PackageMfa.None, await here.GetAsync(_package, default)); // "none stored" is now cached here

        await there.SetAsync(_package, PackageMfa.Publish, default);

        Assert.Equal(PackageMfa.Publish, await there.GetAsync(_package, default));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await here.GetAsync(_package, default) != PackageMfa.Publish && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(PackageMfa.Publish, await here.GetAsync(_package, default));
    }

    [Fact]
    public async Task CachedRule_IsServedWithoutTheStore()
    {
        using var book = NewInstance();
        await book.SetAsync(_package, PackageMfa.Automation, default);
        Assert.Equal(PackageMfa.Automation, await book.GetAsync(_package, default));

        // Behind this instance's back (no announcement): the cached rule stands until its TTL or an announcement.
        await store.Multiplexer.GetDatabase().StringSetAsync("gw:package:" + _package + ":mfa", "none");

        Assert.Equal(PackageMfa.Automation, await book.GetAsync(_package, default));
    }

    [Fact]
    public async Task StagingRule_AMaintainersOnlyAddsToTheFiles_AndABatchGetsTheStrictestStored()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "package-rules.json"), $$"""{"packages":[{"match":"{{_package}}","staging":"required-for-tokens"}]}""");
        using var book = NewInstance();
        Assert.Equal(StagedPublishing.RequiredForTokens, await book.StagingAsync(_package, default)); // "none stored" is now cached

        await book.SetStagingAsync(_package, StagedPublishing.None, default);
        Assert.Equal(StagedPublishing.RequiredForTokens, await book.StagingAsync(_package, default)); // cannot lower the operator's

        await book.SetStagingAsync(_package, StagedPublishing.Required, default);
        Assert.Equal(StagedPublishing.Required, await book.StagingAsync(_package, default));
        Assert.Equal(StagedPublishing.Required, await book.StagingAsync(null, default)); // a batch may contain it

        await book.SetStagingAsync(_package, StagedPublishing.None, default);
        Assert.Equal(StagedPublishing.RequiredForTokens, await book.StagingAsync(_package, default));
        Assert.Equal(StagedPublishing.None, await book.StoredStagingAsync(_package, default));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : PackageRuleBookTests(store);

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : PackageRuleBookTests(store);
}
