using System.Globalization;
using Gateway.Resilience;
using Gateway.Security;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Gateway.BrowserFlows;

/// <summary>
/// Browser flows in the store, shared by every instance (the CLI may poll one instance while the
/// browser talks to another). Ids are stored only as keyed hashes; the result handed to the CLI
/// (a web-OTP token or the registry's login token) is encrypted and can be taken exactly once.
/// </summary>
internal sealed class BrowserFlowStore(
    IConnectionMultiplexer store,
    KeyedHasher hasher,
    IDataProtectionProvider protection,
    [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    /// <summary>How long a flow waits for the browser (WebAuthn ceremonies are shorter still).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly IDataProtector _protector = protection.CreateProtector("npm-2fa-gateway.browser-flow.v1");

    private IDatabase Db => store.GetDatabase();

    /// <param name="credentialId">Web-OTP: the credential whose request opened the flow.</param>
    /// <param name="request">Web-OTP: the challenged request.</param>
    /// <returns>The id for the page URL and the id for the CLI's polling URL.</returns>
    public async ValueTask<(string FlowId, string DoneId)> CreateAsync(
        FlowKind kind, string? user, string? action, string? package, CancellationToken cancellation, string? credentialId = null, RequestTarget? request = null)
    {
        var flowId = FlowIds.New();
        var doneId = FlowIds.New();
        var flowKey = FlowKey(flowId);
        await guard.ExecuteAsync(async ct =>
        {
            var tx = Db.CreateTransaction();
            _ = tx.HashSetAsync(flowKey,
            [
                new("kind", kind.ToString()), new("user", user ?? ""), new("action", action ?? ""),
                new("package", package ?? ""), new("done", Hash(doneId)), new("passwordChecked", 0), new("completed", 0),
                new("credential", credentialId ?? ""), new("method", request?.Method ?? ""), new("target", request?.Target ?? ""),
                new("length", request?.ContentLength?.ToString(CultureInfo.InvariantCulture) ?? ""),
            ]);
            _ = tx.KeyExpireAsync(flowKey, Lifetime);
            _ = tx.StringSetAsync(DoneKey(doneId), Hash(flowId), Lifetime);
            return await tx.ExecuteAsync();
        }, cancellation);
        return (flowId, doneId);
    }

    public async ValueTask<BrowserFlow?> GetAsync(string flowId, CancellationToken cancellation)
    {
        if (!FlowIds.IsWellFormed(flowId))
        {
            return null;
        }

        var fields = await guard.ExecuteAsync(async ct => await Db.HashGetAllAsync(FlowKey(flowId)), cancellation);
        if (fields.Length == 0)
        {
            return null;
        }

        var f = fields.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        return new BrowserFlow(
            flowId,
            Enum.Parse<FlowKind>(f["kind"]),
            NullIfEmpty(f.GetValueOrDefault("user")),
            NullIfEmpty(f.GetValueOrDefault("action")),
            NullIfEmpty(f.GetValueOrDefault("package")),
            f.GetValueOrDefault("passwordChecked") == "1",
            f.GetValueOrDefault("completed") == "1",
            NullIfEmpty(f.GetValueOrDefault("credential")),
            NullIfEmpty(f.GetValueOrDefault("method")) is { } method
                ? new RequestTarget(method, f.GetValueOrDefault("target") ?? "", long.TryParse(f.GetValueOrDefault("length"), CultureInfo.InvariantCulture, out var length) ? length : null)
                : null);
    }

    /// <summary>Login flows: the password was right; keep the registry's token until the second factor is proven.</summary>
    public ValueTask SetLoginUserAsync(string flowId, string user, string registryToken, CancellationToken cancellation) =>
        Update(flowId, cancellation, [new("user", user), new("passwordChecked", 1), new("pendingResult", _protector.Protect(registryToken))]);

    /// <summary>Completes a login flow with the token kept by <see cref="SetLoginUserAsync"/>.</summary>
    public async ValueTask CompleteLoginAsync(string flowId, CancellationToken cancellation)
    {
        var pending = await guard.ExecuteAsync(async ct => (string?)await Db.HashGetAsync(FlowKey(flowId), "pendingResult"), cancellation)
            ?? throw new InvalidOperationException("The login flow has no checked password.");
        await CompleteAsync(flowId, _protector.Unprotect(pending), cancellation);
    }

    /// <summary>Makes the result available, once, to whoever polls the flow's done URL.</summary>
    public async ValueTask CompleteAsync(string flowId, string result, CancellationToken cancellation)
    {
        var flowKey = FlowKey(flowId);
        await guard.ExecuteAsync(async ct =>
        {
            var doneHash = (string?)await Db.HashGetAsync(flowKey, "done") ?? throw new InvalidOperationException("The flow has expired.");
            var tx = Db.CreateTransaction();
            _ = tx.StringSetAsync("gw:flow-result:" + doneHash, _protector.Protect(result), Lifetime);
            _ = tx.HashSetAsync(flowKey, [new("completed", 1)]);
            _ = tx.HashDeleteAsync(flowKey, "pendingResult");
            return await tx.ExecuteAsync();
        }, cancellation);
    }

    /// <summary>What the CLI polling the done URL gets: unknown (expired), pending, or the result exactly once.</summary>
    public async ValueTask<(bool Known, string? Result)> TakeResultAsync(string doneId, CancellationToken cancellation)
    {
        if (!FlowIds.IsWellFormed(doneId))
        {
            return (false, null);
        }

        var doneHash = Hash(doneId);
        var (known, result) = await guard.ExecuteAsync(async ct =>
        {
            var taken = await Db.StringGetDeleteAsync("gw:flow-result:" + doneHash);
            if (taken.HasValue)
            {
                await Db.KeyDeleteAsync(DoneKey(doneId));
                return (true, (string?)taken);
            }

            return (await Db.KeyExistsAsync(DoneKey(doneId)), (string?)null);
        }, cancellation);
        return (known, result is null ? null : _protector.Unprotect(result));
    }

    private ValueTask Update(string flowId, CancellationToken cancellation, HashEntry[] entries) =>
        new(guard.ExecuteAsync(async ct => { await Db.HashSetAsync(FlowKey(flowId), entries); return true; }, cancellation).AsTask());

    private RedisKey FlowKey(string flowId) => "gw:flow:" + Hash(flowId);

    private RedisKey DoneKey(string doneId) => "gw:flow-done:" + Hash(doneId);

    private string Hash(string id) => hasher.Hash("browser-flow", id);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
