using System.Text.Json;
using Gateway.TrustedPublishing;

namespace Gateway.Tests.TrustedPublishing;

/// <summary><c>Gateway:TrustedPublishing:MaxTokenAge</c> on an id token's <c>iat</c>, with the clock skew on both sides.</summary>
public sealed class IdTokenAgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 21, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("{\"iat\": 1796677200}", null)] // issued now
    [InlineData("{\"iat\": 1796676570}", null)] // 10 min 30 s ago: the age plus the skew
    [InlineData("{\"iat\": 1796677230}", null)] // 30 s ahead: within the skew
    [InlineData("{\"iat\": 1796677200.5}", null)]
    [InlineData("{\"iat\": 1796676569}", "issued 00:10:31 ago")]
    [InlineData("{\"iat\": 1796677231}", "iat in the future")]
    [InlineData("{}", "no iat")]
    [InlineData("{\"iat\": \"1796677200\"}", "no iat")]
    [InlineData("{\"iat\": null}", "no iat")]
    [InlineData("{\"iat\": -1}", "iat out of range")]
    [InlineData("{\"iat\": 1e300}", "iat out of range")]
    public void Problem_AgeAgainstMaxTokenAge(string payload, string? problem)
    {
        using var json = JsonDocument.Parse(payload);

        Assert.Equal(problem, IdTokenAge.Problem(json.RootElement, Now, MaxAge, Skew));
    }
}
