using System.Text.RegularExpressions;

namespace Gateway.Testing;

/// <summary>What a command run in a pseudo-terminal printed, and its exit code.</summary>
public sealed partial record PtyResult(string Command, int ExitCode, string RawOutput)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The output without terminal escape sequences and carriage returns.</summary>
    public string Text { get; } = Clean(RawOutput);

    /// <summary>The TOTP secret npm showed during enrolment ("Or enter code: …"), if any.</summary>
    public string? ShownSecret => FindSecret(Text);

    /// <summary>The secret in npm's "Or enter code: …" line, if <paramref name="output"/> has one.</summary>
    public static string? FindSecret(string output) =>
        SecretPattern().Match(Clean(output)) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The code <see cref="PtyStep.AnswerTotpOfShownSecret"/> typed, if any.</summary>
    public string? SentEnrolmentCode => SentCodePattern().Match(Text) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Recovery codes (<c>xxxx-xxxx-xxxx-xxxx</c>) printed after "recovery codes".</summary>
    public IReadOnlyList<string> RecoveryCodes
    {
        get
        {
            var start = Text.IndexOf("recovery codes", StringComparison.OrdinalIgnoreCase);
            return start < 0 ? [] : RecoveryCodePattern().Matches(Text[start..]).Select(m => m.Value).ToList();
        }
    }

    public override string ToString() => $"`{Command}` (in a pty) exited {ExitCode}\n--- output ---\n{Text}";

    /// <summary><paramref name="raw"/> terminal output without escape sequences and carriage returns.</summary>
    public static string Clean(string raw) => AnsiPattern().Replace(raw, "").Replace("\r", "", StringComparison.Ordinal);

    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiPattern();

    [GeneratedRegex(@"Or enter code: +([A-Z2-7]+)")]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"<<pty-sent-code:([0-9]{6})>>")]
    private static partial Regex SentCodePattern();

    [GeneratedRegex(@"\b[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}\b")]
    private static partial Regex RecoveryCodePattern();
}
