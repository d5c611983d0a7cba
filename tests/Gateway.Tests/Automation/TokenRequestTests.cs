using System.Text.Json;
using Gateway.Automation;

namespace Gateway.Tests.Automation;

public sealed class TokenRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static TokenRequest.Result Parse(string json, TokenOptions? options = null) =>
        TokenRequest.Parse(JsonDocument.Parse(json).RootElement, "alice", options ?? new TokenOptions(), Now);

    [Fact]
    public void Npm11GranularToken_IsReadIntoItsAttributes()
    {
        var result = Parse("""
            {"name":"ci","password":"secret","packages":["demo-pkg"],"scopes":["acme"],"expires":7,"cidr_whitelist":["192.0.2.0/24"],"bypass_2fa":true}
            """);

        var token = Assert.IsType<TokenAttributes>(result.Attributes);
        Assert.Equal(["demo-pkg"], token.Packages);
        Assert.Equal(["@acme"], token.Scopes);
        Assert.Equal(Now.AddDays(7), token.Expires);
        Assert.Equal(["192.0.2.0/24"], token.Cidrs);
        Assert.True(token.BypassTwoFactor);
        Assert.Equal(TokenPermission.ReadWrite, token.Permission);
        Assert.DoesNotContain("secret", token.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheLoginName_IsRefused_SoNoTokenPassesForAPersonsLogin()
    {
        var result = Parse("""{"name":"npm login","password":"p"}""");

        Assert.Null(result.Attributes);
        Assert.Equal(400, result.Status);
        Assert.Contains("'npm login' is kept for the tokens npm login gets", result.Problem, StringComparison.Ordinal);
        Assert.False(Parse("""{"name":"ci","password":"p"}""").Attributes!.IsLogin);
        Assert.True(TokenAttributes.ForLogin("alice", Now, null).IsLogin);
    }

    [Fact]
    public void WriteTokenWithoutExpiry_GetsTheDefaultLifetime_ReadOnlyTokenNone()
    {
        Assert.Equal(Now.AddDays(7), Parse("""{"password":"p"}""").Attributes!.Expires);
        Assert.Null(Parse("""{"password":"p","readonly":true}""").Attributes!.Expires);
        Assert.Equal(TokenPermission.ReadOnly, Parse("""{"password":"p","packages_and_scopes_permission":"read-only"}""").Attributes!.Permission);
    }

    [Fact]
    public void StageOnlyAndOrgFields_AreRecorded_AndALoginRecordLimitsNothing()
    {
        var token = Parse("""{"password":"p","packages_and_scopes_permission":"read-write-stage-only","orgs":["@acme","beta"],"orgs_permission":"read-only"}""").Attributes!;

        Assert.Equal(TokenPermission.StageOnly, token.Permission);
        Assert.Equal(Now.AddDays(7), token.Expires);
        Assert.Equal(["acme", "beta"], token.Orgs);
        Assert.Equal(OrgsPermission.ReadOnly, token.OrgsPermission);
        Assert.Equal(token.ToJson(), TokenAttributes.FromJson(token.ToJson()).ToJson());
        Assert.False(token.LimitsNothing);
        Assert.True(TokenAttributes.ForLogin("alice", Now, lifetime: null).LimitsNothing);
        Assert.False(TokenAttributes.ForLogin("alice", Now, TimeSpan.FromHours(2)).LimitsNothing);
    }

    [Fact]
    public void RecordWrittenBeforeOrgFields_ReadsAsNotLimitedToOrgs()
    {
        var old = TokenAttributes.FromJson("""{"user":"alice","registryKey":"k","name":"ci","created":"2026-11-01T00:00:00+00:00","expires":null,"packages":[],"scopes":[],"permission":"read-write","cidrs":[],"bypassTwoFactor":false}""");

        Assert.False(old.IsLimitedToOrgs);
        Assert.True(old.LimitsNothing);
    }

    [Fact]
    public void WriteTokenLongerThanTheMaximum_IsRefused()
    {
        var result = Parse("""{"password":"p","expires":91}""");

        Assert.Null(result.Attributes);
        Assert.Equal(400, result.Status);
        Assert.Contains("90 days", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void BypassToken_WhenTheOperatorForbidsThem_IsRefused()
    {
        var result = Parse("""{"password":"p","bypass_2fa":true}""", new TokenOptions { AllowBypass = false });

        Assert.Equal(403, result.Status);
        Assert.Contains("--bypass-2fa", result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"cidr_whitelist":["not-a-network"]}""")]
    [InlineData("""{"packages":"demo-pkg"}""")]
    [InlineData("""{"bypass_2fa":"yes"}""")]
    [InlineData("""{"expires":"7"}""")]
    [InlineData("""{"expires":0}""")]
    [InlineData("""{"packages_and_scopes_permission":"read-write-everything"}""")]
    [InlineData("""{"orgs_permission":"admin"}""")]
    [InlineData("""{"orgs":"acme"}""")]
    [InlineData("""[]""")]
    public void MalformedField_IsRefusedWith400(string json) => Assert.Equal(400, Parse(json).Status);
}
