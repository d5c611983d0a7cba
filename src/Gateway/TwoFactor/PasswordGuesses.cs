using System.Net;
using Gateway.Configuration;
using Gateway.Limits;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.TwoFactor;

/// <summary>One password attempt as <see cref="PasswordGuesses"/> counted it.</summary>
/// <param name="Network">The client network it was counted against.</param>
/// <param name="RetryAfter">Set when the network is backing off: the attempt must not be judged.</param>
/// <param name="Count">The network's wrong passwords so far, this attempt included (0 when refused).</param>
internal readonly record struct PasswordGuess(string Network, TimeSpan? RetryAfter, long Count)
{
    public bool Refused => RetryAfter is not null;

    /// <summary>
    /// Whether a refusal this attempt turns out to be goes to the audit trail: the 1st, 2nd, 4th, 8th… of its network
    /// (the event carries the count), so a flood from one network adds a handful of entries, not one per guess, and
    /// cannot push account events out of the shared trail (docs/SECURITY.md, "Password guessing").
    /// </summary>
    public bool RecordRefusal => Count > 0 && (Count & (Count - 1)) == 0;
}

/// <summary>
/// Password guesses slowed per client network, never per account (docs/SECURITY.md, "Password guessing"): each
/// password the gateway checks or forwards counts before it is judged, a right one takes its own count back, and
/// from <see cref="SignInOptions.AddressFreeFailures"/> on the network backs off, twice as long after each further
/// wrong password (capped). An owner signing in from another network is never slowed by a stranger's guesses.
/// </summary>
internal sealed partial class PasswordGuesses(AddressCounters counters, TimeProvider time, IOptions<SignInOptions> options, ILogger<PasswordGuesses> logger)
{
    private SignInOptions Options => options.Value;

    public async ValueTask<PasswordGuess> BeginAsync(IPAddress? client, CancellationToken cancellation)
    {
        var network = ClientNetworks.Of(client);
        var now = time.GetUtcNow();
        var o = Options;
        var (locked, lockedUntil, count) = await counters.CountUnlessLockedAsync(
            network, now, o.AddressFreeFailures, o.AddressFirstLockout, o.AddressLongestLockout, o.AddressFailureLifetime, cancellation);
        var remaining = DateTimeOffset.FromUnixTimeMilliseconds(lockedUntil) - now;
        if (locked)
        {
            LogRefused(logger, network, (int)Math.Ceiling(remaining.TotalSeconds));
            return new PasswordGuess(network, remaining > TimeSpan.Zero ? remaining : TimeSpan.FromSeconds(1), 0);
        }

        if (remaining > TimeSpan.Zero)
        {
            // Becomes real only if this attempt fails; a right password refunds it.
            LogBackoffStarted(logger, network, count, (int)Math.Ceiling(remaining.TotalSeconds));
        }

        return new PasswordGuess(network, null, count);
    }

    /// <summary>The password was right: the attempt takes its own count back (and a back-off it started).</summary>
    public async ValueTask SucceededAsync(PasswordGuess guess, CancellationToken cancellation)
    {
        if (!guess.Refused)
        {
            await counters.RefundAsync(guess.Network, Options.AddressFreeFailures, cancellation);
        }
    }

    [LoggerMessage(EventId = LogEvents.PasswordBackoffStarted, Level = LogLevel.Warning,
        Message = "Password attempts from client network {Network} back off for {Seconds} s if this one is wrong ({Count} counted)")]
    private static partial void LogBackoffStarted(ILogger logger, string network, long count, int seconds);

    [LoggerMessage(EventId = LogEvents.PasswordBackoffRefused, Level = LogLevel.Warning, Message = "Password attempt from client network {Network} refused: backing off for {Seconds} s")]
    private static partial void LogRefused(ILogger logger, string network, int seconds);
}
