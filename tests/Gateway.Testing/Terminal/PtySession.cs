using System.Diagnostics;
using System.Text;

namespace Gateway.Testing;

/// <summary>
/// A command running in a pseudo-terminal through Debian's <c>expect</c> (installed by scripts/test.sh), as for a
/// person at a terminal: clients prompt for a password or a one-time password, or take the gateway's web flow, only
/// when stdin and stdout are TTYs (docs/PROTOCOL.md#24-without-a-terminal). The <see cref="PtyStep"/>s are performed
/// in order by a generated <see cref="ExpectScript"/>; meanwhile the command runs in the background, so a test can
/// act on a URL it printed (<see cref="WaitForUrlAsync"/>) before it ends (<see cref="WaitForExitAsync"/>).
/// <see cref="NpmCli"/> starts npm this way; other clients pass their own command and environment.
/// </summary>
public sealed class PtySession : IAsyncDisposable
{
    /// <summary>How long the script waits for each prompt or URL, and the test for each URL.</summary>
    private static readonly TimeSpan s_stepTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long the command may run on after its last step.</summary>
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _dir;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _answersShownSecret;
    private Task? _codeHandOver;

    private PtySession(string command, TempDirectory dir, Process process, bool answersShownSecret)
    {
        Command = command;
        _dir = dir;
        _process = process;
        _answersShownSecret = answersShownSecret;
    }

    /// <summary>How the command is named in messages, e.g. <c>npm publish</c>.</summary>
    public string Command { get; }

    /// <summary>What the command printed so far, without terminal escapes.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return PtyResult.Clean(_output.ToString());
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="command"/> in a pseudo-terminal.</summary>
    /// <param name="label">How the command is named in messages.</param>
    /// <param name="command">The executable and its arguments.</param>
    /// <param name="environment">Sets the command's environment (HOME, the client's settings); the session then
    /// removes <c>CI</c> and sets <c>TERM</c>, as for a person at a terminal.</param>
    /// <param name="steps">What the person at the terminal does, in order.</param>
    public static PtySession Start(
        string label, IReadOnlyList<string> command, string workingDirectory, Action<IDictionary<string, string?>> environment, params PtyStep[] steps)
    {
        var dir = new TempDirectory("pty");
        var script = dir.Combine("session.exp");
        File.WriteAllText(script, ExpectScript.Create(command, steps, s_stepTimeout, s_runTimeout, CodeFile(dir), i => UrlFile(dir, i)));

        var info = new ProcessStartInfo("expect")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add(script);
        environment(info.Environment);
        info.Environment.Remove("CI");
        info.Environment["TERM"] = "xterm";

        var process = new Process { StartInfo = info };
        var session = new PtySession(label, dir, process, steps.Any(s => s is PtyStep.AnswerTotpOfShownSecret));
        process.OutputDataReceived += (_, e) => session.Append(e.Data);
        process.ErrorDataReceived += (_, e) => session.Append(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            dir.Dispose();
            throw new InvalidOperationException("expect is not installed (scripts/test.sh installs it).", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return session;
    }

    /// <summary>Runs <paramref name="command"/> in a pseudo-terminal to its end (see <see cref="Start"/>).</summary>
    public static async Task<PtyResult> RunAsync(
        string label, IReadOnlyList<string> command, string workingDirectory, Action<IDictionary<string, string?>> environment, params PtyStep[] steps)
    {
        await using var session = Start(label, command, workingDirectory, environment, steps);
        return await session.WaitForExitAsync();
    }

    /// <summary>
    /// Waits until the command printed the URL of its <paramref name="index"/>-th <see cref="PtyStep.ApprovalUrl"/> or
    /// <see cref="PtyStep.LoginUrl"/> step (from 0), and returns it.
    /// </summary>
    public async Task<string> WaitForUrlAsync(int index = 0)
    {
        var file = UrlFile(_dir, index);
        var deadline = DateTime.UtcNow + s_stepTimeout;
        while (true)
        {
            // expect writes the URL file the moment it matches, while its terminal output reaches Output line by line
            // through a pipe: return once the output has caught up, so callers can assert on what was printed with it.
            if (File.Exists(file) && (await File.ReadAllTextAsync(file)).Trim() is { Length: > 0 } url
                && (Output.Contains(url, StringComparison.Ordinal) || _process.HasExited || DateTime.UtcNow > deadline))
            {
                return url;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                await Task.Delay(200); // the last output lines
                throw new InvalidOperationException(
                    $"`{Command}` (in a pty) {(_process.HasExited ? $"exited {_process.ExitCode}" : "is still running")} without printing gateway URL #{index + 1}.\n--- output ---\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the command to end and returns what it printed and its exit code.</summary>
    public async Task<PtyResult> WaitForExitAsync()
    {
        using var cancel = new CancellationTokenSource(s_runTimeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"`{Command}` (in a pty) did not finish in {s_runTimeout.TotalSeconds:0} s.\n--- output ---\n{Output}");
        }

        _process.WaitForExit(); // flushes the output readers
        if (_codeHandOver is not null)
        {
            await _codeHandOver;
        }

        lock (_output)
        {
            return new PtyResult(Command, _process.ExitCode, _output.ToString());
        }
    }

    private static string CodeFile(TempDirectory dir) => dir.Combine("code.txt");

    private static string UrlFile(TempDirectory dir, int index) => dir.Combine($"url-{index}.txt");

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_answersShownSecret && _codeHandOver is null && PtyResult.FindSecret(line) is { } secret)
            {
                _codeHandOver = WriteCodeAsync(secret);
            }
        }
    }

    /// <summary>Computes the code once the command has shown the secret, and publishes it atomically (write, then rename).</summary>
    private async Task WriteCodeAsync(string secret)
    {
        var code = await Totp.CodeAsync(secret);
        var file = CodeFile(_dir);
        await File.WriteAllTextAsync(file + ".tmp", code);
        File.Move(file + ".tmp", file);
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        _dir.Dispose();
        await Task.CompletedTask;
    }
}
