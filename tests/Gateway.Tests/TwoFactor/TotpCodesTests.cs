using System.Text;
using Gateway.TwoFactor;

namespace Gateway.Tests.TwoFactor;

public sealed class TotpCodesTests
{
    // RFC 6238 Appendix B uses this ASCII seed for its SHA-1 vectors.
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    // A time in the middle of a step, so ±30 s lands in the neighbouring steps.
    private const long Step = 56_666_667;
    private static readonly DateTimeOffset MidStep = DateTimeOffset.FromUnixTimeSeconds(Step * 30 + 15);

    /// <summary>RFC 6238 Appendix B, SHA-1: the 8-digit values; ours are their last 6 digits.</summary>
    public static TheoryData<long, string> RfcVectors => new()
    {
        { 59, "94287082" },
        { 1111111109, "07081804" },
        { 1111111111, "14050471" },
        { 1234567890, "89005924" },
        { 2000000000, "69279037" },
        { 20000000000, "65353130" },
    };

    [Theory]
    [MemberData(nameof(RfcVectors))]
    public void Compute_Rfc6238Vector_IsLastSixDigits(long unixSeconds, string eightDigits)
    {
        Assert.Equal(eightDigits[^6..], TotpCodes.Compute(RfcSecret, DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));
    }

    [Theory]
    [MemberData(nameof(RfcVectors))]
    public void Verify_Rfc6238VectorAtItsTime_AcceptsAndGivesItsStep(long unixSeconds, string eightDigits)
    {
        Assert.True(TotpCodes.Verify(RfcSecret, eightDigits[^6..], DateTimeOffset.FromUnixTimeSeconds(unixSeconds), out var step));
        Assert.Equal(unixSeconds / 30, step);
    }

    [Theory]
    [MemberData(nameof(RfcVectors))]
    public void Verify_EightDigitRfcValue_IsRefused(long unixSeconds, string eightDigits)
    {
        Assert.False(TotpCodes.Verify(RfcSecret, eightDigits, DateTimeOffset.FromUnixTimeSeconds(unixSeconds), out _));
    }

    [Theory]
    [InlineData(-30, true)]
    [InlineData(0, true)]
    [InlineData(30, true)]
    [InlineData(-60, false)]
    [InlineData(60, false)]
    public void Verify_CodeOfStepT_AcceptedOnlyFromTMinus1ToTPlus1(int shiftSeconds, bool accepted)
    {
        var code = TotpCodes.Compute(RfcSecret, MidStep);

        var result = TotpCodes.Verify(RfcSecret, code, MidStep.AddSeconds(shiftSeconds), out var step);

        Assert.Equal(accepted, result);
        if (accepted)
        {
            Assert.Equal(Step, step);
        }
    }

    /// <summary>A code of step T is accepted from the first millisecond of T−1.</summary>
    [Theory]
    [InlineData((Step - 1) * 30 * 1000 - 1, false)]
    [InlineData((Step - 1) * 30 * 1000, true)]
    public void Verify_AtStartOfWindow_AcceptsFromStepBefore(long unixMilliseconds, bool accepted)
    {
        var code = TotpCodes.Compute(RfcSecret, MidStep);

        Assert.Equal(accepted, TotpCodes.Verify(RfcSecret, code, DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds), out _));
    }

    /// <summary>… and until <see cref="TotpCodes.AcceptedUntil"/>, which the verifier uses as the code's binding lifetime.</summary>
    [Theory]
    [InlineData((Step + 2) * 30 * 1000 - 1, true)]
    [InlineData((Step + 2) * 30 * 1000, false)]
    public void Verify_AtEndOfWindow_MatchesAcceptedUntil(long unixMilliseconds, bool accepted)
    {
        var code = TotpCodes.Compute(RfcSecret, MidStep);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

        Assert.Equal(accepted, TotpCodes.Verify(RfcSecret, code, now, out _));
        Assert.Equal(accepted, now < TotpCodes.AcceptedUntil(Step));
    }

    [Fact]
    public void Verify_WrongCode_IsRefused()
    {
        var code = TotpCodes.Compute(RfcSecret, MidStep);
        var wrong = ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(TotpCodes.Verify(RfcSecret, wrong, MidStep, out _));
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(1, 90)]
    [InlineData(Step, (Step + 2) * 30)]
    public void AcceptedUntil_Step_IsEndOfTheNextStep(long step, long expectedUnixSeconds)
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expectedUnixSeconds), TotpCodes.AcceptedUntil(step));
    }

    [Theory]
    [InlineData("123456", true)]
    [InlineData("000000", true)]
    [InlineData("12345", false)]
    [InlineData("1234567", false)]
    [InlineData("12345a", false)]
    [InlineData(" 123456", false)]
    [InlineData("123 456", false)]
    [InlineData("１２３４５６", false)] // full-width digits are digits to char.IsDigit, not to the code
    [InlineData("", false)]
    [InlineData("abcd-efgh-ijkl-mnop", false)]
    public void LooksLikeTotp_Text_IsSixAsciiDigits(string text, bool expected)
    {
        Assert.Equal(expected, TotpCodes.LooksLikeTotp(text));
    }

    [Theory]
    [InlineData("npm-2fa-gateway", "alice", "otpauth://totp/npm-2fa-gateway:alice?secret=")]
    [InlineData("Acme Registry", "bob@example.com", "otpauth://totp/Acme%20Registry:bob%40example.com?secret=")]
    public void OtpAuthUrl_IssuerAndUser_HasAuthenticatorFormat(string issuer, string username, string expectedPrefix)
    {
        var secret = TotpCodes.NewSecret();

        var url = TotpCodes.OtpAuthUrl(issuer, username, secret);

        Assert.StartsWith(expectedPrefix, url);
        var query = ParseQuery(new Uri(url).Query);
        Assert.Equal(issuer, query["issuer"]);
        Assert.Equal("SHA1", query["algorithm"]);
        Assert.Equal("6", query["digits"]);
        Assert.Equal("30", query["period"]);
        Assert.Matches("^[A-Z2-7]+$", query["secret"]); // base32, no padding
        Assert.Equal(secret, TotpCodes.FromBase32(query["secret"]));
    }

    [Fact]
    public void ToBase32_RfcSecret_IsUnpaddedAndRoundTrips()
    {
        var base32 = TotpCodes.ToBase32(RfcSecret);

        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", base32);
        Assert.Equal(RfcSecret, TotpCodes.FromBase32(base32));
    }

    [Fact]
    public void NewSecret_TwoCalls_Are20BytesAndDiffer()
    {
        var first = TotpCodes.NewSecret();
        var second = TotpCodes.NewSecret();

        Assert.Equal(20, first.Length);
        Assert.Equal(20, second.Length);
        Assert.NotEqual(first, second);
    }

    private static Dictionary<string, string> ParseQuery(string query) =>
        query.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => Uri.UnescapeDataString(kv[0]), kv => Uri.UnescapeDataString(kv[1]));
}
