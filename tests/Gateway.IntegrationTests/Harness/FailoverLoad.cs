using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Gateway.IntegrationTests.Harness;

/// <summary>One request of <see cref="FailoverLoad"/>: what, through which instance, when (ms since start), and the answer.</summary>
internal sealed record LoadSample(string Kind, int Instance, long AtMs, HttpStatusCode Status, string? RetryAfter, string? Credential, string? Code)
{
    public bool Succeeded => (int)Status is >= 200 and < 300;
}

/// <summary>
/// Steady traffic through several gateway instances on one store while a test breaks the store, recorded per
/// request: protected writes with a valid second factor (one user, one credential, alternating instances),
/// protected writes without one, a second credential replaying the code the first just spent, and reads.
/// </summary>
internal sealed class FailoverLoad : IAsyncDisposable
{
    public const string Verified = "verified";
    public const string Unverified = "unverified";
    public const string Replay = "replay";
    public const string Read = "read";
    public const string ForbiddenTag = "unverified";

    private readonly IReadOnlyList<GatewayProcess> _gateways;
    private readonly TwoFactorUser _writer;
    private readonly string _writerPackage;
    private readonly TwoFactorUser _replayed;
    private readonly string _replayedPackage;
    private readonly string _secondToken;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<LoadSample> _samples = new();
    private readonly List<Task> _loops = [];

    public FailoverLoad(IReadOnlyList<GatewayProcess> gateways, TwoFactorUser writer, string writerPackage, TwoFactorUser replayed, string replayedPackage, string secondToken)
    {
        _gateways = gateways;
        _writer = writer;
        _writerPackage = writerPackage;
        _replayed = replayed;
        _replayedPackage = replayedPackage;
        _secondToken = secondToken;
    }

    public IReadOnlyCollection<LoadSample> Samples => _samples;

    public long NowMs => _clock.ElapsedMilliseconds;

    public void Start()
    {
        _loops.Add(Loop(VerifiedAsync));
        _loops.Add(Loop(UnverifiedAsync));
        _loops.Add(Loop(ReplayAsync));
        _loops.Add(Loop(ReadAsync));
        _loops.Add(Loop(ReadAsync));
    }

    /// <summary>Waits until <paramref name="count"/> verified writes succeeded after <paramref name="afterMs"/>.</summary>
    public async Task WaitForVerifiedSuccessesAsync(long afterMs, int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (_samples.Count(s => s.Kind == Verified && s.AtMs > afterMs && s.Succeeded) < count)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Verified writes did not succeed {count} times within {timeout} after {afterMs} ms:\n{Summary()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// From <paramref name="failedAtMs"/> to the first verified write that succeeded after the last one that did not:
    /// how long protected requests were refused. Zero when none was.
    /// </summary>
    public long RecoveryMs(long failedAtMs)
    {
        var after = _samples.Where(s => s.Kind == Verified && s.AtMs >= failedAtMs).OrderBy(s => s.AtMs).ToList();
        var lastFailure = after.LastOrDefault(s => !s.Succeeded);
        if (lastFailure is null)
        {
            return 0;
        }

        var recovered = after.FirstOrDefault(s => s.AtMs > lastFailure.AtMs && s.Succeeded);
        return (recovered?.AtMs ?? NowMs) - failedAtMs;
    }

    public string Summary() =>
        string.Join("; ", _samples.GroupBy(s => s.Kind).Select(g =>
            $"{g.Key}: {g.Count()} ({string.Join(", ", g.GroupBy(s => (int)s.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}"))})"));

    private Task Loop(Func<int, Task> iteration) => Task.Run(async () =>
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            await iteration(n);
        }
    });

    private async Task VerifiedAsync(int n)
    {
        var code = await Totp.CodeAsync(_writer.Secret);
        if (!await SendAsync(Verified, n, g => g.PutDistTagAsync(_writer.Token, _writerPackage, "steady", "1.0.0", code), "first", code))
        {
            await Task.Delay(50); // as a client would, rather than spin on 503
        }
    }

    private async Task UnverifiedAsync(int n)
    {
        await SendAsync(Unverified, n, g => g.PutDistTagAsync(_writer.Token, _writerPackage, ForbiddenTag, "1.0.0", otp: null), "first", null);
        await Task.Delay(50);
    }

    /// <summary>The first credential spends a code, then the second presents the same code: the second must never succeed.</summary>
    private async Task ReplayAsync(int n)
    {
        var code = await Totp.CodeAsync(_replayed.Secret);
        await SendAsync(Replay, n, g => g.PutDistTagAsync(_replayed.Token, _replayedPackage, "steady", "1.0.0", code), "first", code);
        await SendAsync(Replay, n + 1, g => g.PutDistTagAsync(_secondToken, _replayedPackage, "steady", "1.0.0", code), "second", code);
        await Task.Delay(100);
    }

    private async Task ReadAsync(int n)
    {
        var token = n % 2 == 0 ? _writer.Token : null;
        await SendAsync(Read, n, g => g.SendAsync(HttpMethod.Get, VerdaccioProcess.EncodeName(_writerPackage), token), null, null);
    }

    private async Task<bool> SendAsync(string kind, int n, Func<GatewayProcess, Task<HttpAnswer>> send, string? credential, string? code)
    {
        var instance = n % _gateways.Count;
        HttpAnswer answer;
        try
        {
            answer = await send(_gateways[instance]);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            answer = new HttpAnswer(kind, 0, new Dictionary<string, string>(), e.Message);
        }

        var sample = new LoadSample(kind, instance, NowMs, answer.Status, answer.Header("Retry-After"), credential, code);
        _samples.Enqueue(sample);
        return sample.Succeeded;
    }

    /// <summary>Stops the loops and waits for their last requests; the samples stay readable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await Task.WhenAll(_loops);
    }
}
