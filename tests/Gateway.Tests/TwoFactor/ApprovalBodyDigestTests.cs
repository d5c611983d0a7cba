using System.Security.Cryptography;
using System.Text;
using Gateway.TwoFactor;

namespace Gateway.Tests.TwoFactor;

/// <summary>The hash a web approval binds: every byte, except the <c>date</c> npm renews on every try of a couch login.</summary>
public sealed class ApprovalBodyDigestTests
{
    private const string Login = """{"_id":"org.couchdb.user:ann","name":"ann","password":"pw","type":"user","roles":[],"date":"2026-12-07T14:00:00.000Z"}""";

    [Fact]
    public async Task AnyBody_IsTheSha256OfEveryByte()
    {
        var body = RandomNumberGenerator.GetBytes(300_000);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), await ApprovalBodyDigest.ComputeAsync(new MemoryStream(body), login: false, default));
    }

    [Fact]
    public async Task Login_OtherDate_SameHash_AnythingElseChanged_OtherHash()
    {
        var approved = await DigestAsync(Login, login: true);

        Assert.Equal(approved, await DigestAsync(Login.Replace("14:00:00.000Z", "14:01:07.123Z", StringComparison.Ordinal), login: true));
        Assert.NotEqual(approved, await DigestAsync(Login.Replace("\"pw\"", "\"px\"", StringComparison.Ordinal), login: true));
        Assert.NotEqual(approved, await DigestAsync(Login.Replace("\"ann\",\"p", "\"bob\",\"p", StringComparison.Ordinal), login: true));
        // Not a login: the date counts like every other byte.
        Assert.NotEqual(await DigestAsync(Login, login: false), await DigestAsync(Login.Replace("14:00", "14:01", StringComparison.Ordinal), login: false));
    }

    private static Task<string> DigestAsync(string body, bool login) =>
        ApprovalBodyDigest.ComputeAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), login, default);
}
