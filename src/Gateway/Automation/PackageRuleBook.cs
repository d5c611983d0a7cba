using Gateway.Accounts;
using Gateway.Store;

namespace Gateway.Automation;

/// <summary>Packages' publishing rules (<see cref="PackageMfa"/>) and the scopes that require 2FA.</summary>
internal sealed class PackageRuleBook(PackageRules rules, PackageRulesProvider file)
{
    /// <summary>The rule a maintainer set, else the file's default for the name, else none.</summary>
    public async ValueTask<PackageMfa> GetAsync(string package, CancellationToken cancellation) =>
        PackageMfaWire.TryParse(await rules.GetMfaAsync(package, cancellation), out var rule) ? rule : file.Current.DefaultFor(package);

    public PackageRulesFile File => file.Current;

    public ValueTask AddPublisherAsync(string package, string user, CancellationToken cancellation) =>
        rules.AddPublisherAsync(package, PackageRulesFile.ScopeName(package), user, cancellation);

    /// <summary>
    /// The strictest mode a scope the user belongs to requires: listed as a member in the file, or a maintainer of one
    /// of its packages (a user who published into the scope through the gateway).
    /// </summary>
    public async ValueTask<(TwoFactorMode Mode, string? Scope)> MemberRequirementAsync(string user, CancellationToken cancellation) =>
        file.Current.Scopes.Count == 0 ? (TwoFactorMode.Disabled, null) : file.Current.MemberRequirement(user, await rules.ScopesOfAsync(user, cancellation));

    public ValueTask<IReadOnlyList<string>> PublishersAsync(string package, CancellationToken cancellation) => rules.PublishersAsync(package, cancellation);

    public ValueTask SetAsync(string package, PackageMfa rule, CancellationToken cancellation) =>
        rules.SetMfaAsync(package, rule.ToWire(), cancellation);
}
