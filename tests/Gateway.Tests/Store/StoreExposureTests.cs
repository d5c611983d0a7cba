using Gateway.Store;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>A store anyone on the network can reach without a password is named at start.</summary>
public sealed class StoreExposureTests
{
    [Theory]
    [InlineData("redis.internal:6379")]
    [InlineData("10.0.0.5:6379")]
    [InlineData("127.0.0.1:6379,redis2:6379")]
    [InlineData("0.0.0.0:6379")]
    public void PasswordlessWithARemoteEndpoint_Warns(string setting)
    {
        var logger = new CapturingLogger<StoreExposureTests>();

        StoreExposure.WarnIfExposed(ConfigurationOptions.Parse(setting), logger);

        var (level, eventId, message) = Assert.Single(logger.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, level);
        Assert.Equal(1404, eventId.Id);
        Assert.Contains("without a password", message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("localhost:6379")]
    [InlineData("[::1]:6379")]
    [InlineData("redis.internal:6379,password=s3cret")]
    [InlineData("redis.internal:6379,user=gateway,password=s3cret")]
    public void LoopbackOrWithAPassword_DoesNotWarn(string setting)
    {
        var logger = new CapturingLogger<StoreExposureTests>();

        StoreExposure.WarnIfExposed(ConfigurationOptions.Parse(setting), logger);

        Assert.Empty(logger.Entries);
    }

    [Fact]
    public void ThePasswordIsNeverLogged()
    {
        Assert.False(StoreExposure.IsPasswordlessRemote(ConfigurationOptions.Parse("redis.internal:6379,password=s3cret")));
    }
}
