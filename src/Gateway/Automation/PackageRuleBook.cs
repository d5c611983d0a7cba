using Gateway.Store;

namespace Gateway.Automation;

/// <summary>Packages' publishing rules (<see cref="PackageMfa"/>): absent means <c>none</c>.</summary>
internal sealed class PackageRuleBook(PackageRules rules)
{
    public async ValueTask<PackageMfa> GetAsync(string package, CancellationToken cancellation) =>
        PackageMfaWire.TryParse(await rules.GetMfaAsync(package, cancellation), out var rule) ? rule : PackageMfa.None;

    public ValueTask SetAsync(string package, PackageMfa rule, CancellationToken cancellation) =>
        rules.SetMfaAsync(package, rule.ToWire(), cancellation);
}
