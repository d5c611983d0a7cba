namespace Gateway.Testing;

public static class Wait
{
    /// <summary>Polls <paramref name="ready"/> until it returns true. Gives up early when
    /// <paramref name="died"/> says the server process is gone, or after <paramref name="timeout"/>;
    /// both failures carry <paramref name="describe"/>'s text (typically the captured server log).</summary>
    /// <param name="pollInterval">Between two polls; default 100 ms. Shorter for servers that are up in milliseconds
    /// (redis-server), whose start-up would otherwise be mostly this wait.</param>
    public static async Task UntilAsync(
        string what,
        Func<Task<bool>> ready,
        Func<bool> died,
        Func<string> describe,
        TimeSpan timeout,
        TimeSpan? pollInterval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (died())
            {
                throw new InvalidOperationException($"{what}: the process exited before it was ready.\n{describe()}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not ready after {timeout.TotalSeconds:0} s.\n{describe()}");
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
