using System.Text;

namespace Gateway.Testing;

/// <summary>
/// The Tcl script Debian's <c>expect</c> runs for a <see cref="PtySession"/>: spawn the command in a pseudo-terminal,
/// perform the <see cref="PtyStep"/>s in order, let the command run to its end and exit with its exit code. A prompt or
/// URL that does not come in time, or a command that does not end in time, ends the run with exit code 124 and a
/// <c>&lt;&lt;pty: …&gt;&gt;</c> line in the output saying what it waited for.
/// </summary>
internal static class ExpectScript
{
    /// <summary>An <c>authUrl</c> of the gateway's approval page, however the client frames it (npm: own line; Bun: a box).</summary>
    private const string ApprovalUrlPattern = @"(http://localhost:[0-9]+/-/gateway/authorize/[A-Za-z0-9_-]+)[^A-Za-z0-9_-]";

    /// <summary>A <c>loginUrl</c> of the gateway's web-login page.</summary>
    private const string LoginUrlPattern = @"(http://localhost:[0-9]+/-/gateway/login/[A-Za-z0-9_-]+)[^A-Za-z0-9_-]";

    /// <param name="command">The executable and its arguments.</param>
    /// <param name="steps">What the person at the terminal does, in order.</param>
    /// <param name="codeFile">Where the session puts the code of a shown TOTP secret (<see cref="PtyStep.AnswerTotpOfShownSecret"/>).</param>
    /// <param name="urlFile">Where the script puts the n-th URL it saw (from 0) for the session to read.</param>
    public static string Create(
        IReadOnlyList<string> command, IReadOnlyList<PtyStep> steps, TimeSpan stepTimeout, TimeSpan runTimeout, string codeFile, Func<int, string> urlFile)
    {
        var tcl = new StringBuilder();
        tcl.AppendLine($"set timeout {(int)stepTimeout.TotalSeconds}");
        tcl.AppendLine("log_user 1");
        // Wide enough that no client wraps the lines tests parse.
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
                case PtyStep.Answer answer:
                    tcl.AppendLine($"waitfor {Literal(answer.Prompt)} -exact {Literal(answer.Prompt)}");
                    tcl.AppendLine($"send -- {Literal(answer.Text)}");
                    tcl.AppendLine("send \"\\r\"");
                    break;
                case PtyStep.AnswerTotpOfShownSecret totp:
                    tcl.AppendLine("waitfor {the secret} -re {Or enter code: +([A-Z2-7]+)}");
                    tcl.AppendLine($"waitfor {Literal(totp.Prompt)} -exact {Literal(totp.Prompt)}");
                    // The session writes the code file once it has seen the secret (Totp waits out a step's last 3 s);
                    // flush, so that it sees the secret even if expect's stdout is buffered.
                    tcl.AppendLine("flush stdout");
                    tcl.AppendLine($"for {{set i 0}} {{![file exists {Literal(codeFile)}]}} {{incr i}} {{ if {{$i > 100}} {{ puts \"\\n<<pty: no code for the secret>>\"; exit 124 }}; after 100 }}");
                    tcl.AppendLine($"set f [open {Literal(codeFile)}]; set code [string trim [read $f]]; close $f");
                    tcl.AppendLine("send_user \"\\n<<pty-sent-code:$code>>\\n\"");
                    tcl.AppendLine("send -- \"$code\\r\"");
                    break;
                case PtyStep.ApprovalUrl or PtyStep.LoginUrl:
                    var file = urlFile(urls++);
                    tcl.AppendLine($"waitfor {{gateway URL {urls}}} -re {Literal(step is PtyStep.LoginUrl ? LoginUrlPattern : ApprovalUrlPattern)}");
                    // Written, then renamed: the session never reads half a URL.
                    tcl.AppendLine($"set f [open {Literal(file + ".tmp")} w]; puts $f $expect_out(1,string); close $f; file rename {Literal(file + ".tmp")} {Literal(file)}");
                    break;
                default:
                    throw new NotSupportedException(step.GetType().Name);
            }
        }

        tcl.AppendLine($"set timeout {(int)runTimeout.TotalSeconds}");
        tcl.AppendLine("expect { eof {} timeout { puts \"\\n<<pty: timed out waiting for the command to end>>\"; exit 124 } }");
        tcl.AppendLine("finish");
        return tcl.ToString();
    }

    /// <summary>A Tcl word taken literally: braces, with nothing inside that Tcl would interpret there.</summary>
    private static string Literal(string text) =>
        text.IndexOfAny(['{', '}', '\r', '\n']) < 0 && !text.EndsWith('\\')
            ? "{" + text + "}"
            : throw new ArgumentException($"Cannot pass {text} to expect literally.", nameof(text));
}
