using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Gateway.Configuration;

/// <summary>
/// Calls <c>reload</c> once a watched file has settled after a change. An editor's save raises several change
/// events (truncate, write, rename): waiting for them to stop avoids reading a half-written file and logging a
/// false error.
/// </summary>
public sealed class SettledFileWatch : IDisposable
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(200);
    private readonly PhysicalFileProvider _files;
    private readonly IDisposable _watch;
    private readonly Action _reload;
    private long _changeGeneration;

    /// <param name="pattern">A glob under <paramref name="folder"/> (<c>**/*.json</c>, or one file's name).</param>
    public SettledFileWatch(string folder, string pattern, Action reload)
    {
        _reload = reload;
        _files = new PhysicalFileProvider(folder) { UsePollingFileWatcher = false };
        _watch = ChangeToken.OnChange(() => _files.Watch(pattern), ReloadSoon);
    }

    private void ReloadSoon()
    {
        var generation = Interlocked.Increment(ref _changeGeneration);
        _ = Task.Delay(SettleTime).ContinueWith(_ =>
        {
            if (Volatile.Read(ref _changeGeneration) == generation)
            {
                _reload();
            }
        }, TaskScheduler.Default);
    }

    public void Dispose()
    {
        _watch.Dispose();
        _files.Dispose();
    }
}
