using Gateway.Store;

namespace Gateway.Automation;

/// <summary>Packages' publishing rules (<see cref="PackageMfa"/>) and the scopes that require 2FA.</summary>
internal sealed class PackageRuleBook(PackageRules rules, PackageRulesProvider file)
{
    /// <summary>The rule a maintainer set, else the file's default for the name, else none.</summary>
    public async ValueTask<PackageMfa> GetAsync(string package, CancellationToken cancellation) =>
        PackageMfaWire.TryParse(await rules.GetMfaAsync(package, cancellation), out var rule) ? rule : file.Current.DefaultFor(package);

    public PackageRulesFile File => file.Current;

    public ValueTask AddPublisherAsync(string package, string user, CancellationToken cancellation) => rules.AddPublisherAsync(package, user, cancellation);

    public ValueTask<IReadOnlyList<string>> PublishersAsync(string package, CancellationToken cancellation) => rules.PublishersAsync(package, cancellation);

    public ValueTask SetAsync(string package, PackageMfa rule, CancellationToken cancellation) =>
        rules.SetMfaAsync(package, rule.ToWire(), cancellation);
}
