using Gateway.Policy;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Gateway.Automation;

/// <summary>
/// The current package rules file, reloaded when it changes (or appears). As for the route policy, an invalid
/// edit keeps the last good rules and logs every problem; an invalid file at start-up stops the gateway.
/// </summary>
public sealed partial class PackageRulesProvider : IDisposable
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(200);
    private readonly string _file;
    private readonly ILogger<PackageRulesProvider> _logger;
    private readonly PhysicalFileProvider _files;
    private readonly IDisposable _watch;
    private volatile PackageRulesFile _current;
    private long _changeGeneration;

    public PackageRulesProvider(string file, ILogger<PackageRulesProvider> logger)
    {
        _file = Path.GetFullPath(file);
        _logger = logger;
        _current = PackageRulesFile.Load(_file);
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        _files = new PhysicalFileProvider(Path.GetDirectoryName(_file)!) { UsePollingFileWatcher = false };
        _watch = ChangeToken.OnChange(() => _files.Watch(Path.GetFileName(_file)), ReloadSoon);
        LogLoaded(_logger, _file, _current.Packages.Count, _current.Scopes.Count);
    }

    public PackageRulesFile Current => _current;

    private void ReloadSoon()
    {
        var generation = Interlocked.Increment(ref _changeGeneration);
        _ = Task.Delay(SettleTime).ContinueWith(_ =>
        {
            if (Volatile.Read(ref _changeGeneration) == generation)
            {
                Reload();
            }
        }, TaskScheduler.Default);
    }

    public void Reload()
    {
        try
        {
            _current = PackageRulesFile.Load(_file);
            LogLoaded(_logger, _file, _current.Packages.Count, _current.Scopes.Count);
        }
        catch (PolicyFileException e)
        {
            LogReloadRejected(_logger, _file, string.Join(Environment.NewLine, e.Errors));
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        _files.Dispose();
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Package rules {File} loaded: {PackageCount} package defaults, {ScopeCount} scopes")]
    private static partial void LogLoaded(ILogger logger, string file, int packageCount, int scopeCount);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Package rules {File} changed but are invalid; keeping the last good rules. Problems:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, string file, string errors);
}
