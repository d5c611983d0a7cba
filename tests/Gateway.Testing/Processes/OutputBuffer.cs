namespace Gateway.Testing;

/// <summary>Thread-safe capture of a child process's stdout and stderr lines, in arrival order,
/// so tests can grep a server's log (e.g. "no OTP ever reaches a log").</summary>
public sealed class OutputBuffer
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

    /// <summary>Whether one line contains every fragment (ordinal), e.g. a log message's parts around an argument.</summary>
    public bool HasLine(params string[] fragments) =>
        Lines.Any(l => fragments.All(f => l.Contains(f, StringComparison.Ordinal)));

    /// <summary>
    /// Waits (up to 5 s) until <paramref name="count"/> lines each contain every fragment. Servers log
    /// asynchronously (the console logger writes from a queue), so a line about a request may arrive
    /// after its response.
    /// </summary>
    public async Task<bool> WaitForLinesAsync(int count, params string[] fragments)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            if (Lines.Count(l => fragments.All(f => l.Contains(f, StringComparison.Ordinal))) >= count)
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }
    }

    /// <inheritdoc cref="WaitForLinesAsync"/>
    public Task<bool> WaitForLineAsync(params string[] fragments) => WaitForLinesAsync(1, fragments);

    /// <summary>The last lines, for exception messages that must stay readable.</summary>
    public string Tail(int count = 80)
    {
        var lines = Lines;
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - count)));
    }
}
