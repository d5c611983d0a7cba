using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Gateway.Policy;

/// <summary>
/// Holds the current route policy and reloads it when the file changes. A reload that fails validation
/// keeps the last good policy and logs every error, so a typo never opens a hole or stops the gateway.
/// </summary>
public sealed partial class RoutePolicyProvider : IDisposable
{
    private readonly string _file;
    private readonly ILogger<RoutePolicyProvider> _logger;
    private readonly PhysicalFileProvider _files;
    private readonly IDisposable _watch;
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(200);
    private volatile RoutePolicy _current;
    private long _changeGeneration;

    public RoutePolicyProvider(string file, ILogger<RoutePolicyProvider> logger)
    {
        _file = Path.GetFullPath(file);
        _logger = logger;
        _current = RoutePolicyParser.Load(_file); // throws PolicyFileException: refuse to start
        _files = new PhysicalFileProvider(Path.GetDirectoryName(_file)!) { UsePollingFileWatcher = false };
        // Any JSON file in the policy's folder: the policy and the side-door files it includes.
        _watch = ChangeToken.OnChange(() => _files.Watch("**/*.json"), ReloadSoon);
        LogLoaded(_logger, _file, _current.Rules.Count);
    }

    public RoutePolicy Current => _current;

    /// <summary>Raised after a successful reload (tests and metrics).</summary>
    public event Action<RoutePolicy>? Reloaded;

    /// <summary>
    /// An editor's save raises several change events (truncate, write, rename): wait for the file to
    /// settle, then reload once, rather than reading it half-written and logging a false error.
    /// </summary>
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
            var policy = RoutePolicyParser.Load(_file);
            _current = policy;
            LogReloaded(_logger, _file, policy.Rules.Count);
            Reloaded?.Invoke(policy);
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

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Route policy {File} loaded: {RuleCount} rules")]
    private static partial void LogLoaded(ILogger logger, string file, int ruleCount);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Route policy {File} reloaded: {RuleCount} rules")]
    private static partial void LogReloaded(ILogger logger, string file, int ruleCount);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Route policy {File} changed but is invalid; keeping the last good policy. Problems:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, string file, string errors);
}
