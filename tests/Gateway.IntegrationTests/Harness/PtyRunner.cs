using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Harness;

/// <summary>One exchange with an interactive command: wait for a prompt, then answer it.</summary>
internal abstract record PtyStep
{
    private PtyStep()
    {
    }

    /// <summary>Waits for <paramref name="Prompt"/> (exact text, e.g. <c>assword:</c>) and types <paramref name="Text"/> + Enter.</summary>
    public sealed record Answer(string Prompt, string Text) : PtyStep;

    /// <summary>
    /// Enrolment: npm prints the new base32 secret (<c>Or enter code: SECRET</c>); the runner sees it in
    /// the output as it arrives, computes the code with <see cref="Totp"/> and hands it to the expect
    /// script through a file, which waits for <paramref name="Prompt"/> and types it. The script prints
    /// <c>&lt;&lt;pty-sent-code:NNNNNN&gt;&gt;</c> so the test knows which code was used.
    /// </summary>
    public sealed record AnswerTotpOfShownSecret(string Prompt) : PtyStep;
}

/// <summary>What a command run in a pseudo-terminal printed, and its exit code.</summary>
internal sealed partial record PtyResult(string Command, int ExitCode, string RawOutput)
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

    private static string Clean(string raw) => AnsiPattern().Replace(raw, "").Replace("\r", "", StringComparison.Ordinal);

    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiPattern();

    [GeneratedRegex(@"Or enter code: +([A-Z2-7]+)")]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"<<pty-sent-code:([0-9]{6})>>")]
    private static partial Regex SentCodePattern();

    [GeneratedRegex(@"\b[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}\b")]
    private static partial Regex RecoveryCodePattern();
}

/// <summary>
/// Runs an npm command in a pseudo-terminal through Debian's <c>expect</c> (installed by scripts/test.sh),
/// so npm behaves as for a person at a terminal: it prompts for passwords and, on an OTP challenge,
/// for a one-time password (npm only prompts when stdin and stdout are TTYs, docs/PROTOCOL.md#24-without-a-terminal).
/// The expect script is generated from <see cref="PtyStep"/>s; a prompt that does not come within the
/// timeout ends the run with exit code 124 and a marker in the output.
/// </summary>
internal static class PtyRunner
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs <c>npm args…</c> (plus the CLI's isolation flags) in a pty, answering <paramref name="steps"/> in order.</summary>
    public static async Task<PtyResult> RunNpmAsync(NpmCli npm, string workingDirectory, string[] args, params PtyStep[] steps)
    {
        using var dir = new TempDirectory("pty");
        var codePath = dir.Combine("code.txt");
        var scriptPath = dir.Combine("session.exp");
        await File.WriteAllTextAsync(scriptPath, Script(["npm", .. args, .. npm.IsolationArguments], steps, codePath));

        var info = ExpectStartInfo(npm, workingDirectory, scriptPath);

        var command = "npm " + string.Join(' ', args);
        var output = new StringBuilder();
        Task? handOver = null;
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
                if (handOver is null && PtyResult.FindSecret(e.Data) is { } secret)
                {
                    handOver = WriteCodeAsync(secret, codePath);
                }
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("expect is not installed (scripts/test.sh installs it).", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` (in a pty) did not finish in {s_timeout.TotalSeconds:0} s.\n{output}");
        }

        process.WaitForExit();
        if (handOver is not null)
        {
            await handOver;
        }

        return new PtyResult(command, process.ExitCode, output.ToString());
    }

    /// <summary>Computes the code when npm has shown the secret, and publishes it atomically (write, then rename).</summary>
    private static async Task WriteCodeAsync(string secret, string codePath)
    {
        var code = await Totp.CodeAsync(secret);
        await File.WriteAllTextAsync(codePath + ".tmp", code);
        File.Move(codePath + ".tmp", codePath);
    }

    private static string Script(IReadOnlyList<string> command, IReadOnlyList<PtyStep> steps, string codePath)
    {
        var tcl = new StringBuilder();
        tcl.AppendLine("set timeout 30");
        tcl.AppendLine("log_user 1");
        // Wide enough that npm does not wrap the lines the tests parse.
        tcl.AppendLine("set stty_init \"rows 60 cols 200\"");
        tcl.AppendLine("proc finish {} { catch wait result; exit [lindex $result 3] }");
        tcl.AppendLine("proc waitfor {what args} {");
        tcl.AppendLine("  upvar #0 expect_out expect_out");
        tcl.AppendLine("  expect {*}$args {} timeout { puts \"\\n<<pty: timed out waiting for $what>>\"; exit 124 } eof { puts \"\\n<<pty: command ended while waiting for $what>>\"; finish }");
        tcl.AppendLine("}");
        tcl.AppendLine("spawn -noecho " + string.Join(' ', command.Select(Literal)));
        foreach (var step in steps)
        {
            switch (step)
            {
                case PtyStep.Answer answer:
                    tcl.AppendLine($"waitfor {Literal(answer.Prompt)} -exact {Literal(answer.Prompt)}");
                    tcl.AppendLine($"send -- {Literal(answer.Text)}");
                    tcl.AppendLine("send \"\\r\"");
                    break;
                case PtyStep.AnswerTotpOfShownSecret totp:
                    tcl.AppendLine("waitfor {the secret} -re {Or enter code: +([A-Z2-7]+)}");
                    tcl.AppendLine($"waitfor {Literal(totp.Prompt)} -exact {Literal(totp.Prompt)}");
                    // The runner writes the code file once it has seen the secret (Totp waits out a step's last 3 s);
                    // flush, so that it sees the secret even if expect's stdout is buffered.
                    tcl.AppendLine("flush stdout");
                    tcl.AppendLine($"for {{set i 0}} {{![file exists {Literal(codePath)}]}} {{incr i}} {{ if {{$i > 100}} {{ puts \"\\n<<pty: no code for the secret>>\"; exit 124 }}; after 100 }}");
                    tcl.AppendLine($"set f [open {Literal(codePath)}]; set code [string trim [read $f]]; close $f");
                    tcl.AppendLine("send_user \"\\n<<pty-sent-code:$code>>\\n\"");
                    tcl.AppendLine("send -- \"$code\\r\"");
                    break;
                default:
                    throw new NotSupportedException(step.GetType().Name);
            }
        }

        tcl.AppendLine("expect { eof {} timeout { puts \"\\n<<pty: timed out waiting for the command to end>>\"; exit 124 } }");
        tcl.AppendLine("finish");
        return tcl.ToString();
    }

    /// <summary>A Tcl word taken literally: braces, with nothing inside that Tcl would interpret.</summary>
    private static string Literal(string text)
    {
        if (text.IndexOfAny(['{', '}', '\\', '\r', '\n']) >= 0)
        {
            throw new ArgumentException($"Cannot pass {text} to expect literally.", nameof(text));
        }

        return "{" + text + "}";
    }

    /// <summary>
    /// <c>expect -f SCRIPT</c> with npm's isolated environment, as a person at a terminal (not a CI job):
    /// npm prompts, and takes the web path, only on a TTY.
    /// </summary>
    internal static ProcessStartInfo ExpectStartInfo(NpmCli npm, string workingDirectory, string scriptPath)
    {
        var info = new ProcessStartInfo("expect")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add(scriptPath);
        npm.ApplyIsolatedEnvironment(info.Environment);
        info.Environment.Remove("CI");
        info.Environment["TERM"] = "xterm";
        return info;
    }
}
