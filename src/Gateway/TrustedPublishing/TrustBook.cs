using Gateway.Store;

namespace Gateway.TrustedPublishing;

/// <summary>Each package's one trust configuration (npm: one per package; revoke, then create, to replace it).</summary>
internal sealed class TrustBook(TrustRecords records)
{
    public async ValueTask<TrustConfiguration?> GetAsync(string package, CancellationToken cancellation) =>
        await records.GetAsync(package, cancellation) is { } json ? TrustConfiguration.FromStored(json) : null;

    /// <returns>False when the package already has a configuration.</returns>
    public ValueTask<bool> CreateAsync(string package, TrustConfiguration configuration, CancellationToken cancellation) =>
        records.CreateAsync(package, configuration.ToJson().ToJsonString(), cancellation);

    /// <summary>The packages that have a trust configuration, in name order (the account page's list; no SCAN).</summary>
    public async ValueTask<IReadOnlyList<string>> PackagesAsync(CancellationToken cancellation) =>
        [.. (await records.PackagesAsync(cancellation)).Order(StringComparer.Ordinal)];

    /// <returns>False when the package has no configuration with that id.</returns>
    public async ValueTask<bool> DeleteAsync(string package, string id, CancellationToken cancellation) =>
        await records.GetAsync(package, cancellation) is { } json && TrustConfiguration.FromStored(json) is { } stored
        && string.Equals(stored.Id, id, StringComparison.Ordinal) && await records.DeleteAsync(package, json, cancellation);
}
