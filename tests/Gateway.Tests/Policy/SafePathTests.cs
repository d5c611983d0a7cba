using Gateway.Policy;

namespace Gateway.Tests.Policy;

public sealed class SafePathTests
{
    [Theory]
    [InlineData("/-/user/token/SECRET", "/-/user/token/***")]
    [InlineData("/-/user/token/npm_abcdef0123456789?x=1", "/-/user/token/***")]
    [InlineData("/-/npm/v1/tokens/token/KEY", "/-/npm/v1/tokens/token/***")]
    [InlineData("/-/npm/v1/tokens/token/f09cfef0fe4b9ed874b5a22a52a7b35a", "/-/npm/v1/tokens/token/***")]
    [InlineData("/-/gateway/done/MlkoNODGDzGdfH2ggyZNNGPsa_VLzVSNS3DYIGKZT_A", "/-/gateway/done/***")]
    [InlineData("/-/GATEWAY/Done/abc", "/-/GATEWAY/Done/***")]
    public void For_TokenInPath_IsMasked(string raw, string expected)
    {
        Assert.Equal(expected, SafePath.For(RequestPath.Parse(raw)));
    }

    // Regression guard: Verdaccio's legacy tokens are standard base64 (@verdaccio/signature aesEncrypt →
    // Buffer.toString('base64')), so they can hold '/', '+' and '='; npm logout sends
    // DELETE /-/user/token/<encodeURIComponent(token)>. RequestPath decodes %2F into a segment break, so
    // SafePath must mask everything after "token", not one segment.
    [Fact]
    public void For_LogoutTokenWithEncodedSlash_MasksTheWholeToken()
    {
        var safe = SafePath.For(RequestPath.Parse("/-/user/token/YWJj%2FSECRETPART%2Bx%3D"));

        Assert.DoesNotContain("SECRETPART", safe);
    }

    [Theory]
    [InlineData("/demo-pkg", "/demo-pkg")]
    [InlineData("/@acme%2fwidget", "/@acme/widget")]
    [InlineData("/-/npm/v1/tokens", "/-/npm/v1/tokens")]
    [InlineData("/-/user/org.couchdb.user:alice", "/-/user/org.couchdb.user:alice")]
    [InlineData("/-/package/@acme%2fwidget/dist-tags/next", "/-/package/@acme/widget/dist-tags/next")]
    [InlineData("/-/whoami", "/-/whoami")]
    [InlineData("/", "/")]
    [InlineData("/token", "/token")]
    [InlineData("/done/-/done-1.0.0.tgz", "/done/-/done-1.0.0.tgz")]
    public void For_PathWithoutToken_IsUnchanged(string raw, string expected)
    {
        Assert.Equal(expected, SafePath.For(RequestPath.Parse(raw)));
    }
}
