using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Each package's publishing rule as <c>npm access set mfa=…</c> set it (a change is announced to every instance's
/// cache on <see cref="StoreKeys.PackageRuleChangedChannel"/>), and who published it through the gateway.
/// </summary>
internal sealed class PackageRules(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    /// <summary>Announces a package whose rule changed (here, or on another instance); caches observe it.</summary>
    public ChangeChannel Changes { get; } = new(store, StoreKeys.PackageRuleChangedChannel);

    public async ValueTask<string?> GetMfaAsync(string package, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => (string?)await store.GetDatabase().StringGetAsync(StoreKeys.PackageMfa(package)), cancellation);

    /// <summary>Records the publisher of a package, and for a scoped package the scope among the user's (two slots, each write idempotent).</summary>
    public async ValueTask AddPublisherAsync(string package, string? scope, string user, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var db = store.GetDatabase();
            var publishers = db.SetAddAsync(StoreKeys.PackagePublishers(package), user);
            var scopes = scope is null ? Task.FromResult(false) : db.SetAddAsync(StoreKeys.UserScopes(user), scope);
            await Task.WhenAll(publishers, scopes);
            return true;
        }, cancellation);

    public async ValueTask AddScopeMemberAsync(string user, string scope, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await store.GetDatabase().SetAddAsync(StoreKeys.UserScopes(user), scope), cancellation);

    public async ValueTask<IReadOnlyList<string>> ScopesOfAsync(string user, CancellationToken cancellation) =>
        await guard.ExecuteAsync<IReadOnlyList<string>>(async _ => [.. (await store.GetDatabase().SetMembersAsync(StoreKeys.UserScopes(user))).Select(v => (string)v!)], cancellation);

    public async ValueTask<IReadOnlyList<string>> PublishersAsync(string package, CancellationToken cancellation) =>
        await guard.ExecuteAsync<IReadOnlyList<string>>(async _ => [.. (await store.GetDatabase().SetMembersAsync(StoreKeys.PackagePublishers(package))).Select(v => (string)v!)], cancellation);

    /// <summary>The staging rules a maintainer may set (<c>Automation/StagedPublishing</c>'s wire names), strictest first.</summary>
    public static readonly IReadOnlyList<string> StagingRules = ["required", "required-for-tokens"];

    /// <summary>The staging rule a maintainer set for the package on the account page (null when none was set).</summary>
    public async ValueTask<string?> GetStagingAsync(string package, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var db = store.GetDatabase();
            var members = StagingRules.Select(rule => db.SetContainsAsync(StoreKeys.PackagesStaged(rule), package)).ToList();
            await Task.WhenAll(members);
            return StagingRules.Where((_, i) => members[i].Result).FirstOrDefault();
        }, cancellation);

    /// <summary>The strictest staging rule any maintainer set for any package: what a batch publish, which names none, gets.</summary>
    public async ValueTask<string?> StrictestStagingAsync(CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var db = store.GetDatabase();
            var counts = StagingRules.Select(rule => db.SetLengthAsync(StoreKeys.PackagesStaged(rule))).ToList();
            await Task.WhenAll(counts);
            return StagingRules.Where((_, i) => counts[i].Result > 0).FirstOrDefault();
        }, cancellation);

    /// <summary>Sets the package's staging rule (null: removes it) in one transaction, and announces the change to every instance's cache.</summary>
    public async ValueTask SetStagingAsync(string package, string? rule, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            StoreKeys.CheckedPackage(package);
            var transaction = store.GetDatabase().CreateTransaction();
            List<Task> queued = [.. StagingRules.Select(r => transaction.SetRemoveAsync(StoreKeys.PackagesStaged(r), package))];
            if (rule is not null)
            {
                queued.Add(transaction.SetAddAsync(StoreKeys.PackagesStaged(rule), package));
            }

            var done = await transaction.ExecuteAsync();
            await Task.WhenAll(queued);
            await Changes.AnnounceAsync(package);
            return done;
        }, cancellation);

    public async ValueTask SetMfaAsync(string package, string rule, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var set = await store.GetDatabase().StringSetAsync(StoreKeys.PackageMfa(package), rule);
            await Changes.AnnounceAsync(package);
            return set;
        }, cancellation);
}
