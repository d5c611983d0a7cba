using Gateway.Configuration;

namespace Gateway.Policy;

/// <summary>
/// Holds the current route policy and reloads it when the file changes. A reload that fails validation
/// keeps the last good policy and logs every error, so a typo never opens a hole or stops the gateway.
/// </summary>
public sealed partial class RoutePolicyProvider : IDisposable
{
    private readonly string _file;
    private readonly ILogger<RoutePolicyProvider> _logger;
    private readonly IDisposable _watch;
    private volatile RoutePolicy _current;

    public RoutePolicyProvider(string file, ILogger<RoutePolicyProvider> logger)
    {
        _file = Path.GetFullPath(file);
        _logger = logger;
        _current = RoutePolicyParser.Load(_file); // throws PolicyFileException: refuse to start
        // Any JSON file in the policy's folder: the policy and the side-door files it includes.
        _watch = new SettledFileWatch(Path.GetDirectoryName(_file)!, "**/*.json", Reload);
        LogLoaded(_logger, _file, _current.Rules.Count);
    }

    public RoutePolicy Current => _current;

    /// <summary>Raised after a successful reload (tests and metrics).</summary>
    public event Action<RoutePolicy>? Reloaded;


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

    public void Dispose() => _watch.Dispose();

    [LoggerMessage(EventId = LogEvents.RoutePolicyLoaded, Level = LogLevel.Information, Message = "Route policy {File} loaded: {RuleCount} rules")]
    private static partial void LogLoaded(ILogger logger, string file, int ruleCount);

    [LoggerMessage(EventId = LogEvents.RoutePolicyReloaded, Level = LogLevel.Information, Message = "Route policy {File} reloaded: {RuleCount} rules")]
    private static partial void LogReloaded(ILogger logger, string file, int ruleCount);

    [LoggerMessage(EventId = LogEvents.RoutePolicyReloadRejected, Level = LogLevel.Error, Message = "Route policy {File} changed but is invalid; keeping the last good policy. Problems:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, string file, string errors);
}
