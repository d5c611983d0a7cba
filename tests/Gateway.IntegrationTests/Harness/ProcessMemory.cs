using System.Globalization;

namespace Gateway.IntegrationTests.Harness;

/// <summary>A process's resident memory as Linux reports it (<c>/proc/&lt;pid&gt;/status</c>, VmRSS), and its peak while sampled.</summary>
internal sealed class ProcessMemory : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peak;

    private ProcessMemory(int pid)
    {
        _pid = pid;
        _peak = Rss(pid);
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var now = Rss(_pid);
                if (now > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, now);
                }

                await Task.Delay(250, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
    }

    /// <summary>Samples <paramref name="pid"/>'s RSS every 250 ms from now on.</summary>
    public static ProcessMemory Watch(int pid) => new(pid);

    public long PeakBytes => Interlocked.Read(ref _peak);

    public long CurrentBytes => Rss(_pid);

    /// <summary>VmRSS in bytes; 0 once the process is gone.</summary>
    public static long Rss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Waits up to <paramref name="limit"/> for the RSS to fall to <paramref name="target"/> bytes or below; returns the last reading.</summary>
    public async Task<long> SettleAsync(long target, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long now;
        while ((now = CurrentBytes) > target && clock.Elapsed < limit)
        {
            await Task.Delay(1000);
        }

        return now;
    }

    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) + " MB";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
