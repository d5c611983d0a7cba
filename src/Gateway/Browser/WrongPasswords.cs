using System.Globalization;
using Gateway.Audit;
using Gateway.TwoFactor;

namespace Gateway.Browser;

/// <summary>
/// What the password pages do with a wrong password, the same for every name (docs/SECURITY.md, "Password guessing"):
/// a sample of them goes to the audit trail per client network (the tried name's own history only for an account the
/// gateway knows, Store/AuditRecords), and the answer waits for the floor.
/// </summary>
internal static class WrongPasswords
{
    public static async Task AnswerAsync(
        HttpContext context, string? username, PasswordGuess guess, WrongPasswordFloor floor, long arrived, AuditTrail audit, string action)
    {
        if (guess.RecordRefusal)
        {
            await audit.RecordAsync(AuditEventTypes.SignInRefused, string.IsNullOrEmpty(username) ? null : username, Outcome(guess), action,
                cancellation: context.RequestAborted, provedNothing: true);
        }

        await floor.WaitAsync(arrived, context.RequestAborted);
    }

    /// <summary>The audit outcome of a sampled wrong password: how many its network has sent so far.</summary>
    public static string Outcome(PasswordGuess guess) =>
        string.Create(CultureInfo.InvariantCulture, $"password (wrong password {guess.Count} from this network)");
}
