using Gateway.Automation;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Automation;

public sealed class TokenRecordCacheTests
{
    private static readonly TokenAttributes Record =
        new("alice", "key1", "ci", DateTimeOffset.UnixEpoch, null, ["demo-pkg"], [], TokenPermission.ReadWrite, [], false);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryGet_NothingKnown_IsAMiss()
    {
        using var cache = new TokenRecordCache(_time, RecordBytes, UnknownBytes);

        Assert.False(cache.TryGet("h1", out _));
    }

    [Fact]
    public void TryGet_RecordWithinTheTtl_IsAHit()
    {
        using var cache = new TokenRecordCache(_time, RecordBytes, UnknownBytes);
        cache.Set("h1", Record);
        _time.Advance(TokenRecordCache.Ttl - TimeSpan.FromSeconds(1));

        Assert.True(cache.TryGet("h1", out var record));
        Assert.Same(Record, record);
    }

    [Fact]
    public void TryGet_NoRecordWithinTheTtl_IsAHitWithoutARecord()
    {
        using var cache = new TokenRecordCache(_time, RecordBytes, UnknownBytes);
        cache.Set("h1", null);

        Assert.True(cache.TryGet("h1", out var record));
        Assert.Null(record);
    }

    [Fact]
    public void TryGet_AfterTheTtl_IsAMiss()
    {
        using var cache = new TokenRecordCache(_time, RecordBytes, UnknownBytes);
        cache.Set("h1", Record);
        cache.Set("h2", null);
        _time.Advance(TokenRecordCache.Ttl);

        Assert.False(cache.TryGet("h1", out _));
        Assert.False(cache.TryGet("h2", out _));
    }

    [Fact]
    public void Forget_DropsTheAnswer()
    {
        using var cache = new TokenRecordCache(_time, RecordBytes, UnknownBytes);
        cache.Set("h1", null);

        cache.Forget("h1");

        Assert.False(cache.TryGet("h1", out _));
    }

    [Fact]
    public void Set_ManyDistinctHugeTokens_NeverExceedTheByteBudget()
    {
        using var cache = new TokenRecordCache(_time, RecordBytes, UnknownBytes);
        var padding = new string('x', 4000);
        long entryBytes = 0;

        for (var i = 0; i < 5_000; i++)
        {
            var token = padding + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            entryBytes = TokenRecordCache.EntryBytes(token, null);
            cache.Set(token, null);
            Assert.True(cache.UnknownCount * entryBytes <= UnknownBytes, $"{cache.UnknownCount} entries of {entryBytes} bytes");
        }

        // Each counts its key's real size (2 bytes a character), so a budget of 256 KiB holds about 30 of them, not 5,000.
        Assert.InRange(entryBytes, 8_000, 9_000);
        Assert.InRange(cache.UnknownCount, 1, (int)(UnknownBytes / entryBytes));
        Assert.Equal(0, cache.RecordCount);
    }

    [Fact]
    public void Set_FloodOfDistinctUnknownTokens_KeepsARealUsersRecord()
    {
        using var cache = new TokenRecordCache(_time, RecordBytes, UnknownBytes);
        cache.Set("npm_real-user-token", Record);

        for (var i = 0; i < 20_000; i++)
        {
            cache.Set("bogus-" + i + new string('y', 1000), null);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(cache.TryGet("npm_real-user-token", out var record));
        Assert.Same(Record, record);
        Assert.Equal(1, cache.RecordCount);
    }

    [Fact]
    public void Set_RecordAfterNoRecord_ReplacesIt()
    {
        using var cache = new TokenRecordCache(_time, RecordBytes, UnknownBytes);
        cache.Set("h1", null);

        cache.Set("h1", Record);

        Assert.True(cache.TryGet("h1", out var record));
        Assert.Same(Record, record);
        Assert.Equal(0, cache.UnknownCount);
    }

    [Fact]
    public void EntryBytes_CountsTheKeyAndTheRecord()
    {
        var small = TokenRecordCache.EntryBytes("npm_abc", null);

        Assert.Equal(small + 2 * 1000, TokenRecordCache.EntryBytes("npm_abc" + new string('z', 1000), null));
        Assert.True(TokenRecordCache.EntryBytes("npm_abc", Record) > small + 2 * "alice".Length);
    }

    private const long RecordBytes = 1024 * 1024;

    private const long UnknownBytes = 256 * 1024;
}
