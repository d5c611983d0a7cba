using Gateway.Automation;

namespace Gateway.Tests.Automation;

/// <summary>
/// The one Authorization form the gateway reads a token from, and the Bearer spellings it refuses because a registry
/// could read another token from them than the gateway looks up (docs/SECURITY.md, "Tokens").
/// </summary>
public sealed class BearerTokenTests
{
    [Theory]
    [InlineData("Bearer abc.DEF-123_=/+", "abc.DEF-123_=/+")]
    [InlineData("bearer abc", "abc")]
    [InlineData("BEARER abc", "abc")]
    public void WellFormed_GivesTheToken(string authorization, string token)
    {
        Assert.Equal(token, TokenLedger.BearerToken(authorization));
        Assert.False(TokenLedger.IsMalformedBearer(authorization));
    }

    [Theory]
    [InlineData("Bearer limited extra")]   // a lax registry could take "limited" (a recorded, limited token)
    [InlineData("Bearer  limited")]        // two spaces
    [InlineData("Bearer\tlimited")]
    [InlineData("Bearer limited\textra")]
    [InlineData("Bearer lim\u0001ited")]
    public void OtherBearerSpellings_AreMalformed(string authorization)
    {
        Assert.Null(TokenLedger.BearerToken(authorization));
        Assert.True(TokenLedger.IsMalformedBearer(authorization));
    }

    [Theory]
    [InlineData("Basic YWxpY2U6cHc=")]
    [InlineData("Bearer")]
    [InlineData("Bearerish abc")]
    [InlineData("")]
    public void NotABearerToken_IsNeitherReadNorRefused(string authorization)
    {
        Assert.Null(TokenLedger.BearerToken(authorization));
        Assert.False(TokenLedger.IsMalformedBearer(authorization));
    }
}
