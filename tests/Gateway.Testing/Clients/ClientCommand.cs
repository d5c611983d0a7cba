using System.Diagnostics;
using System.Text;

namespace Gateway.Testing;

/// <summary>A client command run to its end without a terminal (stdin closed), as in a CI job; its output captured.</summary>
public static class ClientCommand
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    /// <param name="info">What to run, with its arguments and environment; the streams are redirected here.</param>
    /// <param name="command">How the command is named in messages, e.g. <c>npm publish</c>.</param>
    public static async Task<NpmResult> RunAsync(ProcessStartInfo info, string command)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
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
            throw new TimeoutException($"`{command}` did not finish in {s_timeout.TotalSeconds:0} s.\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        }

        process.WaitForExit(); // flushes the asynchronous output readers
        return new NpmResult(command, process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
