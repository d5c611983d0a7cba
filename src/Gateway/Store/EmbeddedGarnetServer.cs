using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Garnet;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// An in-process Garnet (Redis-compatible) server on 127.0.0.1 and a free port, persisting to an
/// append-only file under <c>{dataPath}/garnet</c> and recovering from it on start. Every connection
/// must authenticate with a random password made at each start (README.md, operators section): loopback
/// is reachable by every local user, and the store holds the users' 2FA records.
/// Dispose it after the clients that use it.
/// </summary>
internal sealed partial class EmbeddedGarnetServer : IAsyncDisposable
{
    private const int StartAttempts = 3;

    private readonly GarnetServer _server;
    private readonly string _password;
    private readonly string _dataPath;
    private readonly ILogger _logger;
    private int _disposed;

    private EmbeddedGarnetServer(GarnetServer server, int port, string password, string dataPath, string directory, TimeSpan startupTime, ILogger logger)
    {
        _server = server;
        Port = port;
        _password = password;
        _dataPath = dataPath;
        Directory = directory;
        StartupTime = startupTime;
        _logger = logger;
    }

    public int Port { get; }

    /// <summary>Checkpoint and AOF directory (the AOF is in its <c>AOF</c> subfolder).</summary>
    public string Directory { get; }

    /// <summary>Where the server listens (no credentials: safe to log).</summary>
    public string EndPoint => $"127.0.0.1:{Port}";

    /// <summary>Time taken by start-up, including AOF/checkpoint recovery.</summary>
    public TimeSpan StartupTime { get; }

    /// <summary>
    /// Starts the server, replaying the checkpoint and AOF found under <paramref name="dataPath"/>.
    /// Blocks for the duration of recovery. Throws if the stored data cannot be recovered: starting
    /// empty would silently forget users' 2FA enrolment, so it must fail closed.
    /// </summary>
    public static EmbeddedGarnetServer Start(string dataPath, ILoggerFactory? loggerFactory = null, Configuration.EmbeddedStoreOptions? compaction = null)
    {
        compaction ??= new Configuration.EmbeddedStoreOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(dataPath);
        var directory = Path.GetFullPath(Path.Combine(dataPath, "garnet"));
        System.IO.Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            // The AOF and checkpoints are the same records the password guards: another OS user must not
            // read them off the disk either (folders made with the default umask are world-readable).
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var garnetLoggers = new GarnetLoggerFactory(loggerFactory ?? NullLoggerFactory.Instance);
        var logger = garnetLoggers.CreateLogger(nameof(EmbeddedGarnetServer));
        // 256 random bits, hex so that it needs no quoting in AUTH, redis-cli or a connection string.
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        for (var attempt = 1; ; attempt++)
        {
            // The port is picked by binding to port 0 and released before Garnet binds it, so another
            // process can take it in between: retry with a new port if the listener fails to bind.
            var port = FindFreePort();
            var stopwatch = Stopwatch.StartNew();
            GarnetServer? server = null;
            try
            {
                server = new GarnetServer(BuildArguments(directory, port, password, compaction), garnetLoggers);
                server.Start();
                stopwatch.Stop();
                EmbeddedStoreAccessFile.Write(dataPath, port, password);
                LogListening((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<EmbeddedGarnetServer>(), port);
                return new EmbeddedGarnetServer(server, port, password, dataPath, directory, stopwatch.Elapsed, logger);
            }
            catch (Exception ex) when (attempt < StartAttempts && IsAddressInUse(ex))
            {
                LogPortTaken(logger, ex, port);
                server?.Dispose(deleteDir: false);
            }
            catch
            {
                server?.Dispose(deleteDir: false);
                throw;
            }
        }
    }

    /// <summary>
    /// Garnet command-line options. Every choice is deliberate:
    /// <list type="bullet">
    /// <item><c>--bind 127.0.0.1 --port N</c>: loopback only.</item>
    /// <item><c>--auth Password --password P</c>: every connection must send <c>AUTH P</c> before any
    /// other command (Garnet answers NOAUTH, or WRONGPASS for a wrong one); this covers Lua, pub/sub and
    /// SAVE as well. The arguments stay in this process (they are not the process's command line).</item>
    /// <item><c>--checkpointdir</c>: checkpoints and the AOF (its <c>AOF</c> subfolder) live in the data
    /// folder. No <c>--logdir</c>: it is only valid with <c>--storage-tier</c>, which we do not use.
    /// Without a storage tier the whole data set lives in memory (our data is small: per-user records).</item>
    /// <item><c>--aof --recover</c>: every write goes to the append-only file; on start the latest
    /// checkpoint is loaded and the AOF after it is replayed.</item>
    /// <item><c>--aof-commit-freq 0 --aof-commit-wait</c>: the AOF is committed per operation and the
    /// reply is sent only once that commit is written, so a write acknowledged to the client survives a
    /// graceful stop and also a crash or kill of the process. Without the wait, Garnet acks before the
    /// write reaches the file: in our kill test the last acknowledged write was lost in 1 run of 2.
    /// The price is one file write per write command (sequential SET about 0.3-0.6 ms instead of
    /// 0.13 ms, measured here); the gateway writes only on protected requests and enrolment, and
    /// those writes (used-code markers, failure counters, secrets) are the ones that must not be lost.
    /// Graceful stop also commits explicitly (<see cref="DisposeAsync"/>).</item>
    /// <item><c>--fail-on-recovery-error</c>: refuse to start rather than come up empty.</item>
    /// <item><c>--device-type RandomAccess</c>: managed file I/O; the native device needs glibc 2.38.</item>
    /// <item><c>--lua</c>: EVAL/EVALSHA for compare-and-set scripts (off by default in Garnet).</item>
    /// <item><c>--index 16m</c>: the hash index is allocated up front and written whole by each
    /// checkpoint (default 128 MB); 16 MB holds about a million keys before chaining.</item>
    /// <item><c>--page 1m --aof-page-size 4m --aof-memory 16m</c>: smaller buffers than the defaults
    /// (16 MB, 32 MB, 128 MB) for a small data set (values of 3 MB were still stored and recovered).
    /// The AOF page must be at least twice the main-log page, and the AOF memory twice the AOF page.</item>
    /// <item><c>--aof-size-limit --aof-size-limit-enforce-frequency</c>: Garnet's own compaction. Every
    /// interval it checks the AOF; above the limit it takes a checkpoint and truncates the AOF up to it, so a
    /// long-lived gateway's data folder stays bounded (<see cref="Configuration.EmbeddedStoreOptions"/>).
    /// Recovery loads that checkpoint and replays the AOF written after it. Truncation frees whole segment
    /// files only (1 GB by default), so <c>--aof-segment-size</c> is a quarter of the limit (at least the AOF
    /// page): without it the file never shrank in our compaction test.</item>
    /// <item><c>-q</c>: no banner. Logging goes through the host's factory, filtered to Warning.</item>
    /// </list>
    /// </summary>
    internal static string[] BuildArguments(string directory, int port, string password, Configuration.EmbeddedStoreOptions compaction) =>
    [
        "--bind", "127.0.0.1",
        "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--auth", "Password",
        "--password", password,
        "--checkpointdir", directory,
        "--aof",
        "--recover",
        "--aof-commit-freq", "0",
        "--aof-commit-wait",
        "--fail-on-recovery-error",
        "--device-type", "RandomAccess",
        "--lua",
        "--index", "16m",
        "--page", "1m",
        "--aof-page-size", "4m",
        "--aof-memory", "16m",
        "--aof-segment-size", (AofSegmentBytes(compaction) / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) + "k",
        "--aof-size-limit", (compaction.CompactAofAbove / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) + "k",
        "--aof-size-limit-enforce-frequency", ((int)compaction.CompactionCheckInterval.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "-q",
    ];

    private static long AofSegmentBytes(Configuration.EmbeddedStoreOptions compaction) =>
        Math.Max(compaction.CompactAofAbove / 4, 4L * 1024 * 1024);

    // Garnet wraps the listener's SocketException in a GarnetException.
    private static bool IsAddressInUse(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Client options for this server, with its password (which their ToString() leaves out).</summary>
    public ConfigurationOptions ClientOptions(string clientName) => new()
    {
        EndPoints = { EndPoint },
        Password = _password,
        ClientName = clientName,
    };

    [LoggerMessage(EventId = LogEvents.EmbeddedStoreListening, Level = LogLevel.Information, Message = "Embedded store listening on 127.0.0.1:{Port}")]
    private static partial void LogListening(ILogger logger, int port);

    [LoggerMessage(EventId = LogEvents.EmbeddedStorePortTaken, Level = LogLevel.Warning, Message = "Embedded store could not bind port {Port}; retrying")]
    private static partial void LogPortTaken(ILogger logger, Exception exception, int port);

    [LoggerMessage(EventId = LogEvents.EmbeddedStoreCheckpointFailed, Level = LogLevel.Warning, Message = "Embedded store checkpoint on shutdown failed; the AOF will be replayed on start")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);

    private static int FindFreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Graceful stop: takes a checkpoint (so the next start loads a snapshot instead of replaying the
    /// whole AOF, and the AOF is truncated), commits the AOF, then stops the server keeping its files.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await CheckpointAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not fatal: every acknowledged write is already in the AOF, which the next start replays.
            LogCheckpointFailed(_logger, ex);
        }

        try
        {
            await _server.Store.CommitAOFAsync(CancellationToken.None).ConfigureAwait(false);
            await _server.Store.WaitForCommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            // Dispose() would use the constructor's cleanupDir; be explicit that the files stay.
            _server.Dispose(deleteDir: false);
            EmbeddedStoreAccessFile.Delete(_dataPath);
        }
    }

    /// <summary>
    /// Stops without the shutdown checkpoint or commit, as close to a crash as one process allows: what the next
    /// start recovers is only what checkpoints and the AOF already held (tests of recovery use it).
    /// </summary>
    internal void StopWithoutCheckpoint()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _server.Dispose(deleteDir: false);
            EmbeddedStoreAccessFile.Delete(_dataPath);
        }
    }

    private async Task CheckpointAsync()
    {
        var options = ClientOptions("gateway-shutdown");
        options.AllowAdmin = true;
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 30000;
        options.AsyncTimeout = 30000;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        // Foreground SAVE on purpose: at shutdown we want to block until the snapshot is on disk.
        await admin.GetServer(admin.GetEndPoints()[0]).ExecuteAsync("SAVE").ConfigureAwait(false);
    }
}
