using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

public sealed class StagingModeOptionsValidatorTests
{
    [Theory]
    [InlineData("gateway", true)]
    [InlineData("upstream", false)]
    public void Validate_EitherMode_Succeeds(string mode, bool answeredByGateway)
    {
        var options = new StagingModeOptions { Mode = mode };

        Assert.True(new StagingModeOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(answeredByGateway, options.AnsweredByGateway);
    }

    [Fact]
    public void Default_IsTheGateway() => Assert.True(new StagingModeOptions().AnsweredByGateway);

    [Theory]
    [InlineData("Upstream")]
    [InlineData("registry")]
    [InlineData("")]
    public void Validate_OtherWord_FailsNamingKeyAndValue(string mode)
    {
        var result = new StagingModeOptionsValidator().Validate(null, new StagingModeOptions { Mode = mode });

        Assert.True(result.Failed);
        Assert.Equal($"Gateway:Staging:Mode must be 'gateway' or 'upstream', not '{mode}'", Assert.Single(result.Failures!));
    }
}
