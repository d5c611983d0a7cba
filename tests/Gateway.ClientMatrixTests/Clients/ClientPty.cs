using System.Diagnostics;
using System.Text;
using Gateway.IntegrationTests.Harness;

namespace Gateway.ClientMatrixTests.Clients;

/// <summary>
/// A client command in a pseudo-terminal (Debian's <c>expect</c>), running in the background while the test
/// acts: clients prompt for a code, or take the web flow, only on a terminal (docs/PROTOCOL.md#24-without-a-terminal).
/// The generated expect script answers prompts and writes each approval URL it sees to a file the test polls.
/// </summary>
internal sealed class ClientPty : IAsyncDisposable
{
    /// <summary>An <c>authUrl</c> of the gateway's approval page, however the client frames it (npm: own line; Bun: a box).</summary>
    private const string ApprovalUrlPattern = @"(http://localhost:[0-9]+/-/gateway/authorize/[A-Za-z0-9_-]+)[^A-Za-z0-9_-]";

    /// <summary>A <c>loginUrl</c> of the gateway's web-login page.</summary>
    private const string LoginUrlPattern = @"(http://localhost:[0-9]+/-/gateway/login/[A-Za-z0-9_-]+)[^A-Za-z0-9_-]";

    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _dir;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ClientPty(string command, TempDirectory dir, Process process)
    {
        Command = command;
        _dir = dir;
        _process = process;
    }

    public string Command { get; }

    /// <summary>What the client printed so far, without terminal escapes.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return new PtyResult(Command, -1, _output.ToString()).Text;
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <param name="classicPrompt">Ask npm-based clients for the classic "Enter OTP" prompt (<c>auth-type=legacy</c>) instead of the web flow.</param>
    public static ClientPty Start(ClientSession session, string workingDirectory, string[] args, bool classicPrompt, params TerminalStep[] steps)
    {
        var dir = new TempDirectory("client-pty");
        var script = dir.Combine("session.exp");
        File.WriteAllText(script, Script([.. session.Client.Executable, .. args, .. classicPrompt ? session.Client.ClassicPromptArguments : []], steps, dir));

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
        session.ApplyEnvironment(info.Environment, classicPrompt);
        info.Environment["TERM"] = "xterm";
        // Printed URLs are not opened: there is no browser on the client's side of the test.
        info.Environment["BROWSER"] = "true";

        var process = new Process { StartInfo = info };
        var pty = new ClientPty($"{session.Client.Id} {string.Join(' ', args)}", dir, process);
        process.OutputDataReceived += (_, e) => pty.Append(e.Data);
        process.ErrorDataReceived += (_, e) => pty.Append(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            dir.Dispose();
            throw new InvalidOperationException("expect is not installed (scripts/test.sh installs it).", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return pty;
    }

    /// <summary>Waits until the client printed its <paramref name="index"/>-th approval URL (from 0), and returns it.</summary>
    public async Task<string> WaitForApprovalUrlAsync(int index = 0)
    {
        var file = _dir.Combine($"url-{index}.txt");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (File.Exists(file) && (await File.ReadAllTextAsync(file)).Trim() is { Length: > 0 } url)
            {
                return url;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                await Task.Delay(200);
                throw new InvalidOperationException(
                    $"`{Command}` (in a pty) {(_process.HasExited ? $"exited {_process.ExitCode}" : "is still running")} without printing approval URL #{index + 1}.\n--- output ---\n{Output}");
            }

            await Task.Delay(100);
        }
    }

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
            throw new TimeoutException($"`{Command}` (in a pty) did not finish in time.\n--- output ---\n{Output}");
        }

        _process.WaitForExit();
        lock (_output)
        {
            return new PtyResult(Command, _process.ExitCode, _output.ToString());
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
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
        }
    }

    private static string Script(IReadOnlyList<string> command, IReadOnlyList<TerminalStep> steps, TempDirectory dir)
    {
        var tcl = new StringBuilder();
        tcl.AppendLine("set timeout 60");
        tcl.AppendLine("log_user 1");
        tcl.AppendLine("set stty_init \"rows 60 cols 250\"");
        tcl.AppendLine("proc finish {} { catch wait result; exit [lindex $result 3] }");
        tcl.AppendLine("proc waitfor {what args} {");
        tcl.AppendLine("  upvar #0 expect_out expect_out");
        tcl.AppendLine("  expect {*}$args {} timeout { puts \"\\n<<pty: timed out waiting for $what>>\"; exit 124 } eof { puts \"\\n<<pty: command ended while waiting for $what>>\"; finish }");
        tcl.AppendLine("}");
        tcl.AppendLine("spawn -noecho " + string.Join(' ', command.Select(Literal)));
        var urls = 0;
        foreach (var step in steps)
        {
            switch (step)
            {
                case TerminalStep.Answer answer:
                    tcl.AppendLine($"waitfor {Literal(answer.Prompt)} -exact {Literal(answer.Prompt)}");
                    tcl.AppendLine($"send -- {Literal(answer.Text)}");
                    tcl.AppendLine("send \"\\r\"");
                    break;
                case TerminalStep.ApprovalUrl or TerminalStep.LoginUrl:
                    var file = dir.Combine($"url-{urls++}.txt");
                    tcl.AppendLine($"waitfor {{gateway URL {urls}}} -re {Literal(step is TerminalStep.LoginUrl ? LoginUrlPattern : ApprovalUrlPattern)}");
                    tcl.AppendLine($"set f [open {Literal(file + ".tmp")} w]; puts $f $expect_out(1,string); close $f; file rename {Literal(file + ".tmp")} {Literal(file)}");
                    break;
                default:
                    throw new NotSupportedException(step.GetType().Name);
            }
        }

        tcl.AppendLine($"set timeout {(int)s_runTimeout.TotalSeconds}");
        tcl.AppendLine("expect { eof {} timeout { puts \"\\n<<pty: timed out waiting for the command to end>>\"; exit 124 } }");
        tcl.AppendLine("finish");
        return tcl.ToString();
    }

    private static string Literal(string text) =>
        text.IndexOfAny(['{', '}', '\r', '\n']) < 0 && !text.EndsWith('\\')
            ? "{" + text + "}"
            : throw new ArgumentException($"Cannot pass {text} to expect literally.", nameof(text));

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        _dir.Dispose();
        await Task.CompletedTask;
    }
}
