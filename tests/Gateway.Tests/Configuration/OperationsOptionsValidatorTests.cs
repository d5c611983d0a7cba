using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

public sealed class OperationsOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new OperationsOptionsValidator().Validate(null, new OperationsOptions()).Succeeded);

    [Theory]
    [InlineData(50, "", "", "Gateway:Operations:AuditRetention")]
    [InlineData(1000, "short", "", "Gateway:Operations:AccessSecret")]
    [InlineData(1000, "", "collector:4317", "Gateway:Operations:OtlpEndpoint")]
    public void Validate_BadValue_FailsNamingTheKey(int retention, string secret, string otlp, string key)
    {
        var result = new OperationsOptionsValidator().Validate(null, new OperationsOptions { AuditRetention = retention, AccessSecret = secret, OtlpEndpoint = otlp });

        Assert.True(result.Failed);
        Assert.StartsWith(key, Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("enforce", true)]
    [InlineData("report-only", true)]
    [InlineData("Report-Only", true)]
    [InlineData("report", false)]
    [InlineData("", false)]
    public void GatewayValidator_Enforcement_OnlyEnforceOrReportOnly(string enforcement, bool valid)
    {
        var options = new GatewayOptions { Upstream = "http://127.0.0.1:4873", PublicUrl = "http://127.0.0.1:8080", Enforcement = enforcement };

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains(result.Failures!, f => f.StartsWith("Gateway:Enforcement must be 'enforce' or 'report-only'", StringComparison.Ordinal));
        }
    }
}
