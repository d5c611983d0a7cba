using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

public sealed class StagingOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new StagingOptionsValidator().Validate(null, new StagingOptions()).Succeeded);

    [Theory]
    [InlineData("MaxTarballBytes")]
    [InlineData("MaxDocumentBytes")]
    [InlineData("MaxAge")]
    [InlineData("SweepInterval")]
    [InlineData("MaxItems")]
    [InlineData("PublishTimeout")]
    public void Validate_BadValue_FailsNamingTheKey(string key)
    {
        var options = key switch
        {
            "MaxTarballBytes" => new StagingOptions { MaxTarballBytes = 0 },
            "MaxDocumentBytes" => new StagingOptions { MaxDocumentBytes = 10 },
            "MaxAge" => new StagingOptions { MaxAge = TimeSpan.Zero },
            "SweepInterval" => new StagingOptions { SweepInterval = TimeSpan.FromMilliseconds(1) },
            "MaxItems" => new StagingOptions { MaxItems = 0 },
            _ => new StagingOptions { PublishTimeout = TimeSpan.FromDays(1) },
        };

        var result = new StagingOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith("Gateway:Staging:" + key, Assert.Single(result.Failures!));
    }
}
