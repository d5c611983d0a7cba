using System.Security.Cryptography;
using OtpNet;

namespace Gateway.TwoFactor;

/// <summary>
/// RFC 6238 TOTP as every authenticator app and npm expect it: SHA-1, 6 digits, 30-second steps, and
/// one step of clock drift either way (Otp.NET).
/// </summary>
public static class TotpCodes
{
    public const int StepSeconds = 30;
    public const int SecretBytes = 20; // 160 bits, RFC 4226's recommendation
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    public static string ToBase32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    public static byte[] FromBase32(string secret) => Base32Encoding.ToBytes(secret);

    public static bool LooksLikeTotp(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);

    /// <summary>Checks a code at a given time; on success gives the time step it belongs to.</summary>
    public static bool Verify(byte[] secret, string code, DateTimeOffset now, out long step)
    {
        var totp = new Totp(secret, StepSeconds, OtpHashMode.Sha1, 6);
        return totp.VerifyTotp(now.UtcDateTime, code, out step, Window);
    }

    /// <summary>The code for a time (tests, and nothing else, compute codes).</summary>
    public static string Compute(byte[] secret, DateTimeOffset at) =>
        new Totp(secret, StepSeconds, OtpHashMode.Sha1, 6).ComputeTotp(at.UtcDateTime);

    /// <summary>When a code of this step stops being accepted (the end of the step after it).</summary>
    public static DateTimeOffset AcceptedUntil(long step) => DateTimeOffset.FromUnixTimeSeconds((step + 2) * StepSeconds);

    /// <summary>The <c>otpauth://</c> URL an authenticator app (and npm's terminal QR code) understands.</summary>
    public static string OtpAuthUrl(string issuer, string username, byte[] secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(username)}?secret={ToBase32(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period={StepSeconds}";
}
