
namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// Sends each variant through the gateway and judges it by the registry alone: the state after it against
/// the state before it, and any credential in its answer. After a change the files are put back and a
/// fresh baseline taken, so every variant is judged on its own.
/// </summary>
internal sealed class FuzzRunner(GatewayProcess gateway, RegistryStateReader state, CredentialDetector credentials, FuzzReport report)
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(15);

    private RegistrySnapshot? _baseline;

    public async Task<FuzzFinding?> RunAsync(FuzzVariant variant)
    {
        _baseline ??= await state.ReadAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await SendAsync(variant.Request);
        var sent = clock.Elapsed;
        var leaked = await credentials.FindAsync(response);
        var checkedCredentials = clock.Elapsed;
        var after = await state.ReadAsync(AsksForTokenLists(variant) ? null : _baseline);
        if (after.Files.Count != _baseline.Files.Count || after.Files.Any(f => _baseline.Files.GetValueOrDefault(f.Key)?.Comparable != f.Value.Comparable))
        {
            after = await state.ReadAsync(); // something changed: look at everything
        }

        report.AddTimes(variant, sent, checkedCredentials - sent, clock.Elapsed - checkedCredentials);
        var changes = StateChange.Between(_baseline, after);
        if (changes.Count > 0)
        {
            await state.RestoreAsync(_baseline);
            _baseline = await state.ReadAsync(); // what could not be put back (in-memory token db) becomes the new normal
        }

        var finding = changes.Count > 0 || leaked.Count > 0 ? new FuzzFinding(variant, response, changes, leaked) : null;
        report.Record(variant, response, finding);
        return finding;
    }

    /// <summary>
    /// Verdaccio's token lists are asked for on every 100th variant and whenever a file changed; creating or
    /// revoking a token always rewrites storage/.token-db.json, so no token change goes unseen in between.
    /// </summary>
    private static bool AsksForTokenLists(FuzzVariant variant) => variant.Index % 100 == 0;

    /// <summary>The gateway's public path without its trailing slash (<c>/npm</c>), or empty at the root.</summary>
    private readonly string _publicPath = new Uri(gateway.RegistryUrl).AbsolutePath.TrimEnd('/');

    /// <summary>Sends <paramref name="request"/>, its origin-form target put under the gateway's public path if it has one.</summary>
    public Task<RawHttpResponse> SendAsync(RawHttpRequest request) =>
        RawHttpClient.SendAsync("127.0.0.1", gateway.Port, UnderPublicPath(request), s_requestTimeout);

    private RawHttpRequest UnderPublicPath(RawHttpRequest request) =>
        _publicPath.Length > 0 && request.Target.StartsWith('/') ? request with { Target = _publicPath + request.Target } : request;

    /// <summary>Changes since the current baseline without judging anything (for the star probe).</summary>
    public async Task<IReadOnlyList<string>> ChangesSinceBaselineAsync()
    {
        _baseline ??= await state.ReadAsync();
        return StateChange.Between(_baseline, await state.ReadAsync());
    }

    public async Task RebaselineAsync() => _baseline = await state.ReadAsync();
}
