using Gateway.Store;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>
/// The embedded store is reachable on loopback by every local user, so it must answer only to the
/// gateway: these tests connect as an outsider would (raw RESP, no password or a wrong one) and as the
/// gateway does (its own connection, including Lua, pub/sub and the shutdown checkpoint).
/// </summary>
public sealed class EmbeddedGarnetServerTests : IAsyncLifetime
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "gw-unit-garnet-auth-" + Guid.NewGuid().ToString("N"));
    private readonly RecordingLoggerFactory _logs = new();
    private StoreConnection _connection = null!;

    private int Port => _connection.Embedded!.Port;

    public async Task InitializeAsync() => _connection = await StoreConnection.ConnectAsync(StoreConnection.EmbeddedSetting, _dataPath, _logs);

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        Directory.Delete(_dataPath, recursive: true);
    }

    [Fact]
    public async Task Outsider_WithoutPassword_CannotReadWriteOrDeleteKeys()
    {
        await _connection.Multiplexer.GetDatabase().StringSetAsync("gw:user:victim", "record");

        var replies = await RespProbe.SendAsync(Port,
            ["GET", "gw:user:victim"], ["DEL", "gw:user:victim"], ["SET", "gw:user:victim", "x"], ["KEYS", "*"],
            ["EVAL", "return redis.call('DEL', KEYS[1])", "1", "gw:user:victim"], ["FLUSHALL"]);

        Assert.All(replies, reply => Assert.StartsWith("-NOAUTH", reply));
        Assert.Equal("record", (string?)await _connection.Multiplexer.GetDatabase().StringGetAsync("gw:user:victim"));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("")]
    public async Task Outsider_WithWrongPassword_IsRefused(string password)
    {
        await _connection.Multiplexer.GetDatabase().StringSetAsync("gw:user:victim", "record");

        var replies = await RespProbe.SendAsync(Port, ["AUTH", password], ["DEL", "gw:user:victim"]);

        Assert.StartsWith("-WRONGPASS", replies[0]);
        Assert.StartsWith("-NOAUTH", replies[1]);
        Assert.Equal("record", (string?)await _connection.Multiplexer.GetDatabase().StringGetAsync("gw:user:victim"));
    }

    [Fact]
    public async Task Outsider_WithStackExchangeRedisAndNoPassword_CannotConnect()
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{Port}");
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;

        await Assert.ThrowsAnyAsync<RedisException>(async () =>
        {
            await using var outsider = await ConnectionMultiplexer.ConnectAsync(options);
            await outsider.GetDatabase().KeyDeleteAsync("gw:user:victim");
        });
    }

    [Fact]
    public async Task Gateway_OwnConnection_RunsLuaAndPubSub()
    {
        var db = _connection.Multiplexer.GetDatabase();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var channel = RedisChannel.Literal("gw:test:" + Guid.NewGuid().ToString("N"));
        await _connection.Multiplexer.GetSubscriber().SubscribeAsync(channel, (_, message) => received.TrySetResult(message!));

        var scripted = (long)await db.ScriptEvaluateAsync("return redis.call('INCRBY', KEYS[1], ARGV[1])", ["gw:test:lua"], [41]);
        await _connection.Multiplexer.GetSubscriber().PublishAsync(channel, "alice");

        Assert.Equal(41, scripted);
        Assert.Equal("alice", await received.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AccessFileAndStoreFolder_OwnerOnly_FileOpensTheRunningStore()
    {
        var path = EmbeddedStoreAccessFile.PathIn(_dataPath);
        var lines = (await File.ReadAllLinesAsync(path)).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_connection.Embedded!.Directory));
        Assert.Equal(Port.ToString(System.Globalization.CultureInfo.InvariantCulture), lines["port"]);
        Assert.Equal(64, lines["password"].Length); // 256 bits, hex
        var replies = await RespProbe.SendAsync(Port, ["AUTH", lines["password"]], ["SET", "gw:test:operator", "1"]);
        Assert.Equal(["+OK", "+OK"], replies);
    }

    [Fact]
    public async Task Restart_NewPassword_DataRecoveredAndShutdownCheckpointAuthenticated()
    {
        await _connection.Multiplexer.GetDatabase().StringSetAsync("gw:test:durable", "kept");
        var firstPassword = ReadPassword();

        await _connection.DisposeAsync();
        Assert.False(File.Exists(EmbeddedStoreAccessFile.PathIn(_dataPath)));
        _connection = await StoreConnection.ConnectAsync(StoreConnection.EmbeddedSetting, _dataPath, _logs);

        Assert.Equal("kept", (string?)await _connection.Multiplexer.GetDatabase().StringGetAsync("gw:test:durable"));
        Assert.NotEqual(firstPassword, ReadPassword());
        Assert.StartsWith("-WRONGPASS", (await RespProbe.SendAsync(Port, ["AUTH", firstPassword]))[0]);
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("checkpoint", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Start_LogsEndPointButNeverThePassword()
    {
        var password = ReadPassword();

        Assert.Contains($"Embedded store listening on 127.0.0.1:{Port}", _logs.Messages);
        Assert.DoesNotContain(_logs.Messages, m => m.Contains(password, StringComparison.Ordinal));
    }

    private string ReadPassword() =>
        File.ReadAllLines(EmbeddedStoreAccessFile.PathIn(_dataPath)).Single(l => l.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];

    /// <summary>Every message at any level, formatted, from every category.</summary>
    private sealed class RecordingLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages.ToArray();

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) { }

        public void Dispose() { }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
