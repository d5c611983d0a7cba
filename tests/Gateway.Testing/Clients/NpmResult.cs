namespace Gateway.Testing;

/// <summary>What one npm command did. <see cref="ToString"/> is meant for assertion messages.</summary>
public sealed record NpmResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() =>
        $"`{Command}` exited {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
