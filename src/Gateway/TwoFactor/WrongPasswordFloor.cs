using System.Diagnostics;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.TwoFactor;

/// <summary>
/// Every wrong-password answer waits until <see cref="SignInOptions.WrongPasswordFloor"/> plus a random jitter has
/// passed since the request arrived (docs/SECURITY.md, "No probing"): the registry checks a real account's password
/// with bcrypt and an unknown name's not at all, and without the floor the time of the answer would tell them apart.
/// The floor sits above the slowest check, so what is measured is the floor's distribution for every name.
/// </summary>
internal sealed class WrongPasswordFloor(TimeProvider time, IOptions<SignInOptions> options)
{
    /// <param name="arrived">A <see cref="Stopwatch.GetTimestamp"/> taken when the request arrived.</param>
    public Task WaitAsync(long arrived, CancellationToken cancellation)
    {
        var o = options.Value;
        var jitter = o.WrongPasswordJitter > TimeSpan.Zero
            ? TimeSpan.FromTicks(Random.Shared.NextInt64(o.WrongPasswordJitter.Ticks + 1))
            : TimeSpan.Zero;
        var remaining = o.WrongPasswordFloor + jitter - Stopwatch.GetElapsedTime(arrived);
        return remaining > TimeSpan.Zero ? Task.Delay(remaining, time, cancellation) : Task.CompletedTask;
    }
}
