using System.Globalization;
using Gateway.Security;
using Gateway.Store;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.TwoFactor;

/// <summary>
/// Browser flows in the store, shared by every instance (the CLI may poll one instance while the
/// browser talks to another). Ids are stored only as keyed hashes; the result handed to the CLI
/// (a web-OTP token or the registry's login token) is encrypted and can be taken exactly once.
/// </summary>
internal sealed class BrowserFlowStore(
    FlowRecords records,
    KeyedHasher hasher,
    IDataProtectionProvider protection)
{
    /// <summary>How long a flow waits for the browser (WebAuthn ceremonies are shorter still).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly IDataProtector _protector = protection.CreateProtector("npm-2fa-gateway.browser-flow.v1");

    /// <param name="credentialId">Web-OTP: the credential whose request opened the flow.</param>
    /// <param name="request">Web-OTP: the challenged request, with its body's SHA-256.</param>
    /// <param name="summary">Web-OTP: what the page shows of the body, read when the request was challenged.</param>
    /// <returns>The id for the page URL and the id for the CLI's polling URL.</returns>
    public async ValueTask<(string FlowId, string DoneId)> CreateAsync(
        FlowKind kind, string? user, string? action, string? package, CancellationToken cancellation, string? credentialId = null, RequestTarget? request = null,
        ApprovalSummary? summary = null)
    {
        var flowId = FlowIds.New();
        var doneId = FlowIds.New();
        await records.CreateAsync(Hash(flowId), Hash(doneId),
        [
            new("kind", kind.ToString()), new("user", user ?? ""), new("action", action ?? ""),
            new("package", package ?? ""), new("done", Hash(doneId)), new("passwordChecked", "0"), new("completed", "0"),
            new("credential", credentialId ?? ""), new("method", request?.Method ?? ""), new("target", request?.Target ?? ""),
            new("length", request?.ContentLength?.ToString(CultureInfo.InvariantCulture) ?? ""), new("bodyHash", request?.BodySha256 ?? ""),
            new("summary", summary?.ToJson() ?? ""),
        ], Lifetime, cancellation);
        return (flowId, doneId);
    }

    public async ValueTask<BrowserFlow?> GetAsync(string flowId, CancellationToken cancellation)
    {
        if (!FlowIds.IsWellFormed(flowId))
        {
            return null;
        }

        var f = await records.GetAsync(Hash(flowId), cancellation);
        if (f.Count == 0)
        {
            return null;
        }

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
                ? new RequestTarget(method, f.GetValueOrDefault("target") ?? "",
                    long.TryParse(f.GetValueOrDefault("length"), CultureInfo.InvariantCulture, out var length) ? length : null,
                    NullIfEmpty(f.GetValueOrDefault("bodyHash")))
                : null,
            ApprovalSummary.FromJson(f.GetValueOrDefault("summary")));
    }

    /// <summary>Login flows: the password was right; keep the registry's token until the second factor is proven.</summary>
    public ValueTask SetLoginUserAsync(string flowId, string user, string registryToken, CancellationToken cancellation) =>
        records.UpdateAsync(Hash(flowId), [new("user", user), new("passwordChecked", "1"), new("pendingResult", _protector.Protect(registryToken))], cancellation);

    /// <summary>
    /// Login flows: counts one password tried on the flow's page, before it is judged (docs/SECURITY.md, "Password guessing").
    /// </summary>
    /// <returns>How many this flow has tried, this one included; 0 when the flow is unknown or expired.</returns>
    public ValueTask<long> CountPasswordGuessAsync(string flowId, CancellationToken cancellation) =>
        FlowIds.IsWellFormed(flowId) ? records.IncrementAsync(Hash(flowId), "guesses", cancellation) : ValueTask.FromResult(0L);

    /// <summary>Ends a flow before its time: its page shows it as expired and the CLI polling it stops.</summary>
    public ValueTask EndAsync(string flowId, CancellationToken cancellation) => records.DeleteAsync(Hash(flowId), cancellation);

    /// <summary>Completes a login flow with the token kept by <see cref="SetLoginUserAsync"/>.</summary>
    public async ValueTask CompleteLoginAsync(string flowId, CancellationToken cancellation)
    {
        var pending = await records.GetFieldAsync(Hash(flowId), "pendingResult", cancellation)
            ?? throw new InvalidOperationException("The login flow has no checked password.");
        await CompleteAsync(flowId, _protector.Unprotect(pending), cancellation);
    }

    /// <summary>Makes the result available, once, to whoever polls the flow's done URL.</summary>
    public ValueTask CompleteAsync(string flowId, string result, CancellationToken cancellation) =>
        records.CompleteAsync(Hash(flowId), _protector.Protect(result), "pendingResult", Lifetime, cancellation);

    /// <summary>What the CLI polling the done URL gets: unknown (expired), pending, or the result exactly once.</summary>
    public async ValueTask<(bool Known, string? Result)> TakeResultAsync(string doneId, CancellationToken cancellation)
    {
        if (!FlowIds.IsWellFormed(doneId))
        {
            return (false, null);
        }

        var (known, result) = await records.TakeResultAsync(Hash(doneId), cancellation);
        return (known, result is null ? null : _protector.Unprotect(result));
    }

    private string Hash(string id) => hasher.Hash("browser-flow", id);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
