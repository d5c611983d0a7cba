using Gateway.Store;

namespace Gateway.Automation;

/// <summary>Packages' publishing rules (<see cref="PackageMfa"/>): absent means <c>none</c>.</summary>
internal sealed class PackageRuleBook(PackageRules rules)
{
    public async ValueTask<PackageMfa> GetAsync(string package, CancellationToken cancellation) =>
        PackageMfaWire.TryParse(await rules.GetMfaAsync(package, cancellation), out var rule) ? rule : PackageMfa.None;

    public ValueTask AddPublisherAsync(string package, string user, CancellationToken cancellation) => rules.AddPublisherAsync(package, user, cancellation);

    public ValueTask<IReadOnlyList<string>> PublishersAsync(string package, CancellationToken cancellation) => rules.PublishersAsync(package, cancellation);

    public ValueTask SetAsync(string package, PackageMfa rule, CancellationToken cancellation) =>
        rules.SetMfaAsync(package, rule.ToWire(), cancellation);
}
