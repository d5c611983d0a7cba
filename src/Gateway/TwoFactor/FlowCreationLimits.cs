using System.Net;
using Gateway.Limits;
using Gateway.Store;

namespace Gateway.TwoFactor;

/// <summary>
/// Caps how many browser flows can be created, so that nobody can fill the store with flow records: a
/// credential may have at most <see cref="MaxOpenWebOtpFlows"/> web-OTP flows per flow lifetime (beyond
/// that the challenge carries no authUrl/doneUrl and writes nothing), and one client network may start
/// at most <see cref="MaxWebLoginsPerWindow"/> web logins per <see cref="WebLoginWindow"/> (the login
/// endpoint has no credential by nature). Fixed-window counters in the store, one key each, with expiry.
/// </summary>
internal sealed class FlowCreationLimits(FlowCounters counters)
{
    public const int MaxOpenWebOtpFlows = 5;
    public const int MaxWebLoginsPerWindow = 20;
    public static readonly TimeSpan WebLoginWindow = TimeSpan.FromMinutes(5);

    /// <summary>Counts a web-OTP flow for <paramref name="credentialId"/>; false when it already has the maximum.</summary>
    public async ValueTask<bool> TryOpenWebOtpFlowAsync(string credentialId, CancellationToken cancellation) =>
        (await counters.CountWebOtpFlowAsync(credentialId, BrowserFlowStore.Lifetime, cancellation)).Count <= MaxOpenWebOtpFlows;

    /// <returns>Null when the client may start a web login; otherwise how long until it may.</returns>
    public async ValueTask<TimeSpan?> TryStartWebLoginAsync(IPAddress? client, CancellationToken cancellation)
    {
        var (count, remaining) = await counters.CountWebLoginAsync(ClientNetworks.Of(client), WebLoginWindow, cancellation);
        return count <= MaxWebLoginsPerWindow ? null : remaining;
    }
}
