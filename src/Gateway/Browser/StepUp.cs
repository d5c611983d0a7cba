using System.Security.Claims;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Browser;

/// <summary>What a session last proved: a second factor, or (for an account without one) the password.</summary>
internal enum StepUpStrength
{
    Password,
    SecondFactor,
}

/// <summary>
/// Step-up for factor changes: a session alone (a stolen cookie) must not be enough to add, replace or
/// remove a second factor. A change needs a proof from the last <see cref="GatewayOptions.StepUpWindow"/>:
/// a second factor when the account has 2FA, the password (a sign-in) when it has none yet. The proof time
/// lives in the session cookie (encrypted and signed by Data Protection), see README.md "Account pages".
/// </summary>
internal sealed class StepUp(IOptions<GatewayOptions> options, TimeProvider time)
{
    public TimeSpan Window => options.Value.StepUpWindow;

    public DateTimeOffset Now => time.GetUtcNow();

    public bool IsFresh(ClaimsPrincipal user, bool hasTwoFactor) =>
        user.LastStepUp() is { } last
        && (!hasTwoFactor || last.Strength == StepUpStrength.SecondFactor)
        && Now - last.At <= Window
        && last.At <= Now + TimeSpan.FromSeconds(5);

    /// <summary>The session just proved a second factor (in a form): changes are allowed for the next window.</summary>
    public Task RecordSecondFactorAsync(HttpContext context) => GatewaySession.RecordStepUpAsync(context, StepUpStrength.SecondFactor, Now);

    /// <summary>The words for how long a proof lasts, e.g. "5 minutes".</summary>
    public string WindowText => Window.TotalMinutes >= 1 ? $"{Math.Round(Window.TotalMinutes)} minutes" : $"{Math.Round(Window.TotalSeconds)} seconds";
}
