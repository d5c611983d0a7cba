using Gateway.Accounts;
using Gateway.Store;
using Microsoft.Extensions.Caching.Memory;

namespace Gateway.Automation;

/// <summary>
/// Packages' publishing rules (<see cref="PackageMfa"/>) and the scopes that require 2FA. The rules maintainers set
/// are cached in process like users' modes (<c>TwoFactor/CachedUserModes</c>): a change on any instance evicts the
/// package everywhere (<see cref="PackageRules.Changes"/>), a reconnect clears the cache, and the short TTL bounds
/// staleness if a message is ever lost. So a protected write naming a package needs no store read for its rule once warm.
/// </summary>
internal sealed class PackageRuleBook : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    private readonly PackageRules _rules;
    private readonly PackageRulesProvider _file;
    private readonly MemoryCache _stored = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly MemoryCache _staging = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public PackageRuleBook(PackageRules rules, PackageRulesProvider file)
    {
        _rules = rules;
        _file = file;
        rules.Changes.Changed += package =>
        {
            _stored.Remove(package);
            _staging.Remove(package);
        };
        rules.Changes.Reconnected += () =>
        {
            _stored.Clear();
            _staging.Clear();
        };
    }

    /// <summary>
    /// Whether the package's publishes must be staged: the stricter of config/package-rules.json and what a maintainer
    /// set on the account page (a maintainer may only add to the operator's rule). For a publish that names no package
    /// (pnpm's batch), the strictest rule of any package.
    /// </summary>
    public async ValueTask<StagedPublishing> StagingAsync(string? package, CancellationToken cancellation)
    {
        var configured = _file.Current.StagingFor(package);
        if (configured == StagedPublishing.Required)
        {
            return configured;
        }

        var stored = package is null ? Parse(await _rules.StrictestStagingAsync(cancellation)) : await StoredStagingAsync(package, cancellation);
        return stored > configured ? stored : configured;
    }

    /// <summary>The staging rule a maintainer set on the account page (cached like <see cref="StoredAsync"/>).</summary>
    public async ValueTask<StagedPublishing> StoredStagingAsync(string package, CancellationToken cancellation)
    {
        if (_staging.TryGetValue(package, out StagedPublishing cached))
        {
            return cached;
        }

        var rule = Parse(await _rules.GetStagingAsync(package, cancellation));
        _staging.Set(package, rule, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Ttl });
        return rule;
    }

    public ValueTask SetStagingAsync(string package, StagedPublishing rule, CancellationToken cancellation) =>
        _rules.SetStagingAsync(package, rule == StagedPublishing.None ? null : rule.ToWire(), cancellation);

    private static StagedPublishing Parse(string? stored) =>
        StagedPublishingWire.TryParse(stored, out var rule) ? rule : StagedPublishing.None;

    /// <summary>The rule a maintainer set, else the file's default for the name, else none.</summary>
    public async ValueTask<PackageMfa> GetAsync(string package, CancellationToken cancellation) =>
        await StoredAsync(package, cancellation) ?? _file.Current.DefaultFor(package);

    /// <summary>The rule a maintainer set, if any (cached).</summary>
    public async ValueTask<PackageMfa?> StoredAsync(string package, CancellationToken cancellation)
    {
        if (_stored.TryGetValue(package, out StoredRule? cached))
        {
            return cached!.Rule;
        }

        var rule = PackageMfaWire.TryParse(await _rules.GetMfaAsync(package, cancellation), out var parsed) ? parsed : (PackageMfa?)null;
        _stored.Set(package, new StoredRule(rule), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Ttl });
        return rule;
    }

    public PackageRulesFile File => _file.Current;

    public ValueTask AddPublisherAsync(string package, string user, CancellationToken cancellation) =>
        _rules.AddPublisherAsync(package, PackageRulesFile.ScopeName(package), user, cancellation);

    /// <summary>Makes <paramref name="user"/> a member of <paramref name="scope"/> (a maintainer of one of its packages).</summary>
    public ValueTask AddScopeMemberAsync(string user, string scope, CancellationToken cancellation) =>
        _rules.AddScopeMemberAsync(user, scope, cancellation);

    /// <summary>
    /// The strictest mode a scope the user belongs to requires: listed as a member in the file, or a maintainer of one
    /// of its packages (a user who published into the scope through the gateway).
    /// </summary>
    public async ValueTask<(TwoFactorMode Mode, string? Scope)> MemberRequirementAsync(string user, CancellationToken cancellation) =>
        _file.Current.Scopes.Count == 0 ? (TwoFactorMode.Disabled, null) : _file.Current.MemberRequirement(user, await _rules.ScopesOfAsync(user, cancellation));

    public ValueTask<IReadOnlyList<string>> PublishersAsync(string package, CancellationToken cancellation) => _rules.PublishersAsync(package, cancellation);

    public ValueTask SetAsync(string package, PackageMfa rule, CancellationToken cancellation) =>
        _rules.SetMfaAsync(package, rule.ToWire(), cancellation);

    public void Dispose()
    {
        _stored.Dispose();
        _staging.Dispose();
    }

    /// <summary>A cache entry: the stored rule, or null for "none stored" (so that absence is cached too).</summary>
    private sealed record StoredRule(PackageMfa? Rule);
}
