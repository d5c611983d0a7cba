using System.Diagnostics;
using System.Text;
using Gateway.IntegrationTests.Harness;

namespace Gateway.BrowserTests.Infrastructure;

/// <summary>
/// A real npm command running in a pseudo-terminal (Debian's <c>expect</c>) that goes on in the background
/// while the test uses the browser: npm takes its web path (web-OTP, web login) only when stdin and stdout
/// are TTYs. The expect script waits for the URL npm prints ("Authenticate your account at:" / "Login at:"),
/// writes it to a file the test polls, then lets npm run (it polls <c>doneUrl</c>) to its end and exits
/// with npm's exit code.
/// </summary>
internal sealed class NpmPtySession : IAsyncDisposable
{
    /// <summary>An <c>authUrl</c> of the gateway's web-OTP page.</summary>
    public const string AuthorizeUrlPattern = @"(http://localhost:[0-9]+/-/gateway/authorize/[A-Za-z0-9_-]+)[\r\n]";

    /// <summary>A <c>loginUrl</c> of the gateway's web-login page.</summary>
    public const string LoginUrlPattern = @"(http://localhost:[0-9]+/-/gateway/login/[A-Za-z0-9_-]+)[\r\n]";

    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _dir;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _urlFile;

    private NpmPtySession(string command, TempDirectory dir, Process process, string urlFile)
    {
        Command = command;
        _dir = dir;
        _process = process;
        _urlFile = urlFile;
    }

    public string Command { get; }

    /// <summary>What npm printed so far, without terminal escapes.</summary>
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

    /// <summary>Starts <c>npm args… --browser=false</c> (plus the CLI's isolation flags) in a pty.</summary>
    public static NpmPtySession Start(NpmCli npm, string workingDirectory, string urlPattern, params string[] args)
    {
        var dir = new TempDirectory("pty-web");
        var urlFile = dir.Combine("url.txt");
        var script = dir.Combine("session.exp");
        string[] command = ["npm", .. args, "--browser=false", .. npm.IsolationArguments];
        File.WriteAllText(script, Script(command, urlPattern, urlFile));

        var info = PtyRunner.ExpectStartInfo(npm, workingDirectory, script);

        var process = new Process { StartInfo = info };
        var session = new NpmPtySession("npm " + string.Join(' ', args), dir, process, urlFile);
        process.OutputDataReceived += (_, e) => session.Append(e.Data);
        process.ErrorDataReceived += (_, e) => session.Append(e.Data);
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
        return session;
    }

    /// <summary>Waits until npm has printed the URL the script looks for, and returns it.</summary>
    public async Task<string> WaitForUrlAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(45));
        while (true)
        {
            // expect writes the URL file the moment it matches, while its terminal output reaches Output line by line
            // through a pipe: return once the output has caught up, so callers can assert on what npm printed with it.
            if (File.Exists(_urlFile) && (await File.ReadAllTextAsync(_urlFile)).Trim() is { Length: > 0 } url
                && (Output.Contains(url, StringComparison.Ordinal) || _process.HasExited || DateTime.UtcNow > deadline))
            {
                return url;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                await Task.Delay(200); // the last output lines
                throw new InvalidOperationException(
                    $"`{Command}` (in a pty) {(_process.HasExited ? $"exited {_process.ExitCode}" : "is still running")} without printing a gateway URL.\n--- output ---\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits for npm to end and returns what it printed and its exit code.</summary>
    public async Task<PtyResult> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? s_runTimeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"`{Command}` (in a pty) did not finish in time.\n--- output ---\n{Output}");
        }

        _process.WaitForExit(); // flushes the output readers
        lock (_output)
        {
            return new PtyResult(Command, _process.ExitCode, _output.ToString());
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
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

    private static string Script(IReadOnlyList<string> command, string urlPattern, string urlFile)
    {
        var tcl = new StringBuilder();
        tcl.AppendLine("set timeout 45");
        tcl.AppendLine("log_user 1");
        tcl.AppendLine("set stty_init \"rows 60 cols 250\"");
        tcl.AppendLine("proc finish {} { catch wait result; exit [lindex $result 3] }");
        tcl.AppendLine("spawn -noecho " + string.Join(' ', command.Select(Literal)));
        tcl.AppendLine("expect {");
        tcl.AppendLine($"  -re {Literal(urlPattern)} {{ set f [open {Literal(urlFile)} w]; puts $f $expect_out(1,string); close $f }}");
        tcl.AppendLine("  timeout { puts \"\\n<<pty: timed out waiting for the URL>>\"; exit 124 }");
        tcl.AppendLine("  eof { puts \"\\n<<pty: npm ended before printing the URL>>\"; finish }");
        tcl.AppendLine("}");
        tcl.AppendLine($"set timeout {(int)s_runTimeout.TotalSeconds}");
        tcl.AppendLine("expect { eof {} timeout { puts \"\\n<<pty: timed out waiting for npm to end>>\"; exit 124 } }");
        tcl.AppendLine("finish");
        return tcl.ToString();
    }

    /// <summary>A Tcl word taken literally (braces); nothing inside may be a brace or a backslash-newline.</summary>
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
