using System.Diagnostics;

namespace Gateway.Testing;

/// <summary>A long-running server process whose output is captured and whose whole tree is killed on
/// dispose. Shared plumbing of <see cref="RedisServerProcess"/>, <see cref="VerdaccioProcess"/> and
/// <see cref="GatewayProcess"/>.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, OutputBuffer output)
    {
        _process = process;
        Output = output;
    }

    public OutputBuffer Output { get; }

    /// <summary>True once the process is gone; then also waits (briefly) until its last output lines are
    /// captured, so a "died during start-up" message shows why.</summary>
    public bool HasExited
    {
        get
        {
            if (!_process.HasExited)
            {
                return false;
            }

            // The parameterless overload waits for the redirected streams' EOF; bounded in case an
            // orphaned grandchild still holds the pipe.
            Task.Run(() => _process.WaitForExit()).Wait(TimeSpan.FromSeconds(2));
            return true;
        }
    }

    public int Id => _process.Id;

    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null,
        OutputBuffer? output = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        output ??= new OutputBuffer();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => output.Add("stdout", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("stderr", e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, output);
    }

    /// <summary>Kills the process and its children, and waits (bounded) for it to be gone.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
