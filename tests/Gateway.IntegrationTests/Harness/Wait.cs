namespace Gateway.IntegrationTests.Harness;

internal static class Wait
{
    /// <summary>Polls <paramref name="ready"/> until it returns true. Gives up early when
    /// <paramref name="died"/> says the server process is gone, or after <paramref name="timeout"/>;
    /// both failures carry <paramref name="describe"/>'s text (typically the captured server log).</summary>
    public static async Task UntilAsync(
        string what,
        Func<Task<bool>> ready,
        Func<bool> died,
        Func<string> describe,
        TimeSpan timeout)
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

            await Task.Delay(100);
        }
    }
}
