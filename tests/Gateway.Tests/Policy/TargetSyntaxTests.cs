using Gateway.Policy;

namespace Gateway.Tests.Policy;

/// <summary>Targets the registry can read only one way pass; anything Node's legacy URL parser would rewrite does not.</summary>
public sealed class TargetSyntaxTests
{
    [Theory]
    [InlineData("/demo-pkg")]
    [InlineData("/@acme%2fwidget?write=true")]
    [InlineData("/%40acme%2Fwidget/-rev/3-abc")]
    [InlineData("/-/user/org.couchdb.user:alice/-rev/undefined")]
    [InlineData("/-/v1/search?text=keywords:foo&size=20")]
    [InlineData("/-/package/@acme%2fwidget/dist-tags/next")]
    [InlineData("/demo-pkg/-/demo-pkg-1.0.0.tgz")]
    [InlineData("/-/user/token/abc%2B%3D")]
    public void IsPlain_WhatClientsSend_IsTrue(string target) => Assert.True(TargetSyntax.IsPlain(target));

    [Theory]
    [InlineData("/-\\verdaccio\\sec\\login#x")]
    [InlineData("/-/npm/v1/tokens#x")]
    [InlineData("/-\\npm\\v1\\tokens")]
    [InlineData("/demo pkg")]
    [InlineData("/demo\tpkg")]
    [InlineData("/demo-pkg%")]
    [InlineData("/demo-pkg%2")]
    [InlineData("/demo-pkg%zz")]
    [InlineData("/{pkg}")]
    [InlineData("/pkg|x")]
    [InlineData("/pkg\"x")]
    [InlineData("/pkg^1.0.0")]
    [InlineData("/pkg`x")]
    [InlineData("/p\u00e4ckage")]
    [InlineData("http://registry/demo-pkg")]
    [InlineData("*")]
    [InlineData("")]
    public void IsPlain_AnythingElse_IsFalse(string target) => Assert.False(TargetSyntax.IsPlain(target));
}
