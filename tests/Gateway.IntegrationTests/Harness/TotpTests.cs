namespace Gateway.IntegrationTests.Harness;

/// <summary>The tests' own TOTP against RFC 6238 Appendix B (SHA-1 secret "12345678901234567890"),
/// so a failing 2FA test points at the gateway, not at the harness.</summary>
[Collection(Verdaccio9Collection.Name)]
public sealed class TotpTests
{
    private const string RfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // base32 of "12345678901234567890"

    [Theory]
    [InlineData(59L, "287082")]          // 94287082
    [InlineData(1111111109L, "081804")]  // 07081804
    [InlineData(1234567890L, "005924")]  // 89005924
    [InlineData(2000000000L, "279037")]  // 69279037
    [InlineData(20000000000L, "353130")] // 65353130
    public void Compute_RfcVectors(long unixSeconds, string expected) =>
        Assert.Equal(expected, Totp.Compute(RfcSecret, unixSeconds / Totp.StepSeconds));

    [Fact]
    public void Base32Decode_RoundTripsRfcSecret() =>
        Assert.Equal("12345678901234567890"u8.ToArray(), Totp.Base32Decode(RfcSecret.ToLowerInvariant()));
}
