using Gateway.Configuration;
using Gateway.Policy;

namespace Gateway.Automation;

/// <summary>
/// The current package rules file, reloaded when it changes (or appears). As for the route policy, an invalid
/// edit keeps the last good rules and logs every problem; an invalid file at start-up stops the gateway.
/// </summary>
public sealed partial class PackageRulesProvider : IDisposable
{
    private readonly string _file;
    private readonly ILogger<PackageRulesProvider> _logger;
    private readonly IDisposable _watch;
    private volatile PackageRulesFile _current;

    public PackageRulesProvider(string file, ILogger<PackageRulesProvider> logger)
    {
        _file = Path.GetFullPath(file);
        _logger = logger;
        _current = PackageRulesFile.Load(_file);
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        _watch = new SettledFileWatch(Path.GetDirectoryName(_file)!, Path.GetFileName(_file), Reload);
        LogLoaded(_logger, _file, _current.Packages.Count, _current.Scopes.Count);
    }

    public PackageRulesFile Current => _current;


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

    public void Dispose() => _watch.Dispose();

    [LoggerMessage(EventId = LogEvents.PackageRulesLoaded, Level = LogLevel.Information, Message = "Package rules {File} loaded: {PackageCount} package defaults, {ScopeCount} scopes")]
    private static partial void LogLoaded(ILogger logger, string file, int packageCount, int scopeCount);

    [LoggerMessage(EventId = LogEvents.PackageRulesReloadRejected, Level = LogLevel.Error, Message = "Package rules {File} changed but are invalid; keeping the last good rules. Problems:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, string file, string errors);
}
