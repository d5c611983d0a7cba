namespace Gateway.ClientMatrixTests.Clients;

/// <summary>One thing the person at the terminal does while a client runs in <see cref="ClientPty"/>.</summary>
internal abstract record TerminalStep
{
    private TerminalStep()
    {
    }

    /// <summary>Waits for <paramref name="Prompt"/> (exact text) and types <paramref name="Text"/> + Enter.</summary>
    public sealed record Answer(string Prompt, string Text) : TerminalStep;

    /// <summary>Waits for the gateway's next approval URL (<c>authUrl</c>) and hands it to the test.</summary>
    public sealed record ApprovalUrl : TerminalStep;

    /// <summary>Waits for the gateway's web-login URL (<c>loginUrl</c>) and hands it to the test like an approval URL.</summary>
    public sealed record LoginUrl : TerminalStep;
}
