using System.Text;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Identity;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Identity;

/// <summary>The account a login acts on is the body's name; every other name the request carries must agree.</summary>
public sealed class LoginAccountTests
{
    private static readonly Usernames CaseSensitive = new(Options.Create(new GatewayOptions()));
    private static readonly Usernames CaseInsensitive = new(Options.Create(new GatewayOptions { CaseInsensitiveUsernames = true }));

    [Theory]
    [InlineData("/-/user/org.couchdb.user:bob", "")]
    [InlineData("/-/user/org.couchdb.user:bob/-rev/undefined", "Basic bob:pw")]
    [InlineData("/-/user/org.couchdb.user:bob/-rev", "Bearer abc")]
    [InlineData("/-/user/something-else", "")]
    [InlineData("/-/user/org.couchdb.user:bob?write=true", "")]
    public void Resolve_NamesThatAgree_GiveTheBodysAccountAndPassword(string path, string authorization)
    {
        var result = LoginAccount.Resolve(Body("""{"name":"bob","password":"pw"}"""), "name", path, Encode(authorization), CaseSensitive);

        Assert.Null(result.Problem);
        Assert.Equal("bob", result.Account);
        Assert.Equal("pw", result.Password);
    }

    [Theory]
    [InlineData("/-/user/org.couchdb.user:nobody", """{"name":"alice","password":"pw"}""", "")]
    [InlineData("/-/user/org.couchdb.user:", """{"name":"bob","password":"pw"}""", "")]
    [InlineData("/-/user/org.couchdb.user:bob%2Fx", """{"name":"bob","password":"pw"}""", "")]
    [InlineData("/-/user/org.couchdb.user:bob/-rev", """{"name":"bob","password":"pw"}""", "Basic alice:pw")]
    [InlineData("/-/user/org.couchdb.user:bob", """{"password":"pw"}""", "")]
    [InlineData("/-/user/org.couchdb.user:bob", """{"name":["bob"],"password":"pw"}""", "")]
    [InlineData("/-/user/org.couchdb.user:bob:recovery", """{"name":"bob:recovery","password":"pw"}""", "")]
    [InlineData("/-/user/org.couchdb.user:bob", """{"name":"bob","password":"pw"}""", "Basic !!!not-base64")]
    public void Resolve_NamesThatDisagreeOrCannotBeKeyed_AreRefused(string path, string body, string authorization)
    {
        var result = LoginAccount.Resolve(Body(body), "name", path, authorization.StartsWith("Basic !", StringComparison.Ordinal) ? authorization : Encode(authorization), CaseSensitive);

        Assert.NotNull(result.Problem);
        Assert.Null(result.Account);
    }

    [Fact]
    public void Resolve_CaseInsensitiveRegistry_FoldsTheAccountAndAcceptsOtherCasings()
    {
        var result = LoginAccount.Resolve(Body("""{"name":"ALICE","password":"pw"}"""), "name", "/-/user/org.couchdb.user:Alice", Encode("Basic alice:pw"), CaseInsensitive);
        var strict = LoginAccount.Resolve(Body("""{"name":"ALICE","password":"pw"}"""), "name", "/-/user/org.couchdb.user:Alice", "", CaseSensitive);

        Assert.Equal("alice", result.Account);
        Assert.NotNull(strict.Problem);
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("alice@example.com", true)]
    [InlineData("a.b-c_d~e+f", true)]
    [InlineData("alice:recovery", false)]
    [InlineData("{alice}", false)]
    [InlineData("al ice", false)]
    [InlineData("alice/x", false)]
    [InlineData(".alice", false)]
    [InlineData("", false)]
    public void IsWellFormed_OnlyNamesThatCannotReachAnotherKey(string name, bool expected) =>
        Assert.Equal(expected, Usernames.IsWellFormed(name));

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>"Basic user:pw" → "Basic base64(user:pw)"; other values unchanged.</summary>
    private static string Encode(string authorization) => authorization.StartsWith("Basic ", StringComparison.Ordinal)
        ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(authorization["Basic ".Length..]))
        : authorization;
}
