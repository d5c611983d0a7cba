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
        using var cache = new TokenRecordCache(_time);

        Assert.False(cache.TryGet("h1", out _));
    }

    [Fact]
    public void TryGet_RecordWithinTheTtl_IsAHit()
    {
        using var cache = new TokenRecordCache(_time);
        cache.Set("h1", Record);
        _time.Advance(TokenRecordCache.Ttl - TimeSpan.FromSeconds(1));

        Assert.True(cache.TryGet("h1", out var record));
        Assert.Same(Record, record);
    }

    [Fact]
    public void TryGet_NoRecordWithinTheTtl_IsAHitWithoutARecord()
    {
        using var cache = new TokenRecordCache(_time);
        cache.Set("h1", null);

        Assert.True(cache.TryGet("h1", out var record));
        Assert.Null(record);
    }

    [Fact]
    public void TryGet_AfterTheTtl_IsAMiss()
    {
        using var cache = new TokenRecordCache(_time);
        cache.Set("h1", Record);
        cache.Set("h2", null);
        _time.Advance(TokenRecordCache.Ttl);

        Assert.False(cache.TryGet("h1", out _));
        Assert.False(cache.TryGet("h2", out _));
    }

    [Fact]
    public void Forget_DropsTheAnswer()
    {
        using var cache = new TokenRecordCache(_time);
        cache.Set("h1", null);

        cache.Forget("h1");

        Assert.False(cache.TryGet("h1", out _));
    }

    [Fact]
    public void Set_BeyondTheCapacity_KeepsNoMoreThanIt()
    {
        using var cache = new TokenRecordCache(_time, capacity: 3);

        for (var i = 0; i < 50; i++)
        {
            cache.Set("h" + i, null);
        }

        Assert.InRange(cache.Count, 0, 3);
    }
}
