namespace Gateway.Store;

/// <summary>
/// Hands Garnet loggers from the host's factory, prefixed with "Garnet." (Garnet's own categories are
/// bare names like "StoreWrapper") and filtered to <see cref="LogLevel.Warning"/> or above, so the
/// embedded store does not flood the gateway's log whatever the host's default level is.
/// </summary>
internal sealed class GarnetLoggerFactory(ILoggerFactory inner, LogLevel minimum = LogLevel.Warning) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) =>
        new MinimumLevelLogger(inner.CreateLogger("Garnet." + categoryName),
            // Garnet's argument parser warns on every start that its own logging options are ignored
            // when a logger factory is passed in. Our arguments are fixed, so keep only its errors.
            categoryName == "ArgParser" && minimum < LogLevel.Error ? LogLevel.Error : minimum);

    // Providers belong to the host's factory; Garnet must not add any.
    public void AddProvider(ILoggerProvider provider) { }

    // The host owns and disposes the inner factory; Garnet disposing this wrapper must not close it.
    public void Dispose() { }

    private sealed class MinimumLevelLogger(ILogger inner, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
