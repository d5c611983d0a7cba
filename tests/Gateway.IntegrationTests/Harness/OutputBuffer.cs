namespace Gateway.IntegrationTests.Harness;

/// <summary>Thread-safe capture of a child process's stdout and stderr lines, in arrival order,
/// so tests can grep a server's log (e.g. "no OTP ever reaches a log").</summary>
internal sealed class OutputBuffer
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public void Add(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(stream == "stderr" ? "[err] " + line : line);
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public string Text => string.Join('\n', Lines);

    public bool Contains(string value, StringComparison comparison = StringComparison.Ordinal) =>
        Lines.Any(l => l.Contains(value, comparison));

    /// <summary>The last lines, for exception messages that must stay readable.</summary>
    public string Tail(int count = 80)
    {
        var lines = Lines;
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - count)));
    }
}
