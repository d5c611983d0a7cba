namespace Gateway.Testing;

/// <summary>One thing the person at the terminal does while a command runs in a <see cref="PtySession"/>, in order.</summary>
public abstract record PtyStep
{
    private PtyStep()
    {
    }

    /// <summary>Waits for <paramref name="Prompt"/> (exact text, e.g. <c>assword:</c>) and types <paramref name="Text"/> + Enter.</summary>
    public sealed record Answer(string Prompt, string Text) : PtyStep;

    /// <summary>
    /// Enrolment: npm prints the new base32 secret (<c>Or enter code: SECRET</c>); the session sees it in the output
    /// as it arrives, computes the code with <see cref="Totp"/> and hands it to the expect script through a file; the
    /// script waits for <paramref name="Prompt"/> and types it, printing <c>&lt;&lt;pty-sent-code:NNNNNN&gt;&gt;</c>
    /// so the test knows which code was used (<see cref="PtyResult.SentEnrolmentCode"/>).
    /// </summary>
    public sealed record AnswerTotpOfShownSecret(string Prompt) : PtyStep;

    /// <summary>Waits for the gateway's next approval URL (<c>authUrl</c>) and hands it to the test
    /// (<see cref="PtySession.WaitForUrlAsync"/>), however the client frames it (npm: its own line; Bun: a box).</summary>
    public sealed record ApprovalUrl : PtyStep;

    /// <summary>Waits for the gateway's web-login URL (<c>loginUrl</c>) and hands it to the test like an approval URL.</summary>
    public sealed record LoginUrl : PtyStep;
}
