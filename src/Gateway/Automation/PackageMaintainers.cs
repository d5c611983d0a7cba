using Gateway.Proxy;

namespace Gateway.Automation;

/// <summary>
/// Who maintains a package, as the gateway decides who may change its rules (<c>npm access set mfa=…</c>, the account
/// page's staging rule, its trusted publishers): the packument's maintainers as the registry shows them to the given
/// credential (<see cref="RegistryPackuments"/>), or — where the registry lists none (Verdaccio 6) — the users who
/// published the package through the gateway.
/// </summary>
internal sealed class PackageMaintainers(RegistryPackuments packuments, PackageRuleBook rules)
{
    /// <param name="Exists">False when the registry answers 404 for the package.</param>
    /// <param name="Names">The maintainers; empty when the packument could not be read (nobody may change the rule then).</param>
    public sealed record Result(bool Exists, IReadOnlyList<string> Names)
    {
        /// <summary>Whether <paramref name="user"/> maintains the package (never, for a package the registry does not have).</summary>
        public bool Includes(string user) => Names.Contains(user, StringComparer.Ordinal);
    }

    /// <param name="authorization">The caller's own <c>Authorization</c> (the registry decides what it may see); empty: anonymous.</param>
    public async Task<Result> OfAsync(string package, string authorization, CancellationToken cancellation)
    {
        var (status, packument) = await packuments.ReadAsync(package, authorization, cancellation);
        if (status == StatusCodes.Status404NotFound)
        {
            return new Result(false, []);
        }

        if (packument is null)
        {
            return new Result(true, []);
        }

        List<string> names;
        using (packument)
        {
            names = RegistryPackuments.Maintainers(packument.RootElement);
        }

        return new Result(true, names.Count > 0 ? names : [.. await rules.PublishersAsync(package, cancellation)]);
    }
}
