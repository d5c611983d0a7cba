using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

public sealed class StagingOptionsModeTests
{
    [Theory]
    [InlineData("gateway", true)]
    [InlineData("upstream", false)]
    public void Validate_EitherMode_Succeeds(string mode, bool answeredByGateway)
    {
        var options = new StagingOptions { Mode = mode };

        Assert.True(new StagingOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(answeredByGateway, options.AnsweredByGateway);
    }

    [Fact]
    public void Default_IsTheGateway() => Assert.True(new StagingOptions().AnsweredByGateway);

    [Theory]
    [InlineData("Upstream")]
    [InlineData("registry")]
    [InlineData("")]
    public void Validate_OtherWord_FailsNamingKeyAndValue(string mode)
    {
        var result = new StagingOptionsValidator().Validate(null, new StagingOptions { Mode = mode });

        Assert.True(result.Failed);
        Assert.Equal($"Gateway:Staging:Mode must be 'gateway' or 'upstream', not '{mode}'", Assert.Single(result.Failures!));
    }
}
