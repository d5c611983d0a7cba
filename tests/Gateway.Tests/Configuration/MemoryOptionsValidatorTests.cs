using Gateway.Configuration;
using Gateway.Http;

namespace Gateway.Tests.Configuration;

public sealed class MemoryOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new MemoryOptionsValidator().Validate(null, new MemoryOptions()).Succeeded);

    [Theory]
    [InlineData(nameof(MemoryOptions.MaxCredentialLength), 20_000)]
    [InlineData(nameof(MemoryOptions.TokenCacheBytes), 100)]
    [InlineData(nameof(MemoryOptions.UnknownTokenCacheBytes), 0)]
    [InlineData(nameof(MemoryOptions.IdentityCacheBytes), -1)]
    [InlineData(nameof(MemoryOptions.MaxFormBytes), 30_000_000)]
    public void Validate_BadValue_FailsNamingTheKey(string key, long value)
    {
        var options = new MemoryOptions();
        var property = typeof(MemoryOptions).GetProperty(key)!;
        property.SetValue(options, Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var result = new MemoryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith("Gateway:Memory:" + key, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SmallBodyTimeoutOutOfRange_FailsNamingTheKey()
    {
        var result = new MemoryOptionsValidator().Validate(null, new MemoryOptions { SmallBodyTimeout = TimeSpan.FromHours(1) });

        Assert.StartsWith("Gateway:Memory:SmallBodyTimeout", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer ", 10, false)]
    [InlineData("Bearer ", 11, true)]
    [InlineData("Basic ", 11, true)]
    [InlineData("", 10, false)]
    [InlineData("", 11, true)]
    public void CredentialLength_CountsWhatFollowsTheScheme(string scheme, int length, bool tooLong) =>
        Assert.Equal(tooLong, CredentialLength.IsTooLong(scheme + new string('a', length), 10));
}
